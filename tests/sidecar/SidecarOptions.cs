namespace Sidecar;

/// <summary>Command-line settings.</summary>
public sealed class SidecarOptions
{
    public const string Usage =
        "usage: dotnet Sidecar.dll --port <N> --hubs <h1,h2,...> [--hub-prefix <prefix>]\n" +
        "                          [--bare-hub-prefix <prefix>] [--self-test]\n" +
        "  --port N                 TCP port on 127.0.0.1; 0 picks a free one\n" +
        "  --hubs a,b               task hubs made at start-up, each with a worker\n" +
        "  --hub-prefix P           hubs named P... are made on first use, with a worker\n" +
        "  --bare-hub-prefix P      hubs named P... are made on first use, without a worker\n" +
        "  --self-test              start on a free port, check routing against itself, exit";

    public int Port { get; set; }

    public List<string> Hubs { get; } = new();

    public string? HubPrefix { get; set; }

    public string? BareHubPrefix { get; set; }

    public bool SelfTest { get; set; }

    /// <summary>Parses the arguments; returns null and sets error when they are wrong.</summary>
    public static SidecarOptions? Parse(string[] args, out string? error)
    {
        var options = new SidecarOptions();
        bool portSeen = false;
        error = null;

        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? Value()
            {
                if (i + 1 >= args.Length)
                {
                    return null;
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--port":
                    if (!int.TryParse(Value(), out int port) || port < 0 || port > 65535)
                    {
                        error = "--port needs a number from 0 to 65535";
                        return null;
                    }

                    options.Port = port;
                    portSeen = true;
                    break;

                case "--hubs":
                    string? list = Value();
                    if (list is null)
                    {
                        error = "--hubs needs a comma-separated list";
                        return null;
                    }

                    foreach (string hub in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!options.Hubs.Contains(hub))
                        {
                            options.Hubs.Add(hub);
                        }
                    }

                    break;

                case "--hub-prefix":
                    options.HubPrefix = Value();
                    if (string.IsNullOrEmpty(options.HubPrefix))
                    {
                        error = "--hub-prefix needs a non-empty prefix";
                        return null;
                    }

                    break;

                case "--bare-hub-prefix":
                    options.BareHubPrefix = Value();
                    if (string.IsNullOrEmpty(options.BareHubPrefix))
                    {
                        error = "--bare-hub-prefix needs a non-empty prefix";
                        return null;
                    }

                    break;

                case "--self-test":
                    options.SelfTest = true;
                    break;

                case "-h":
                case "--help":
                    error = string.Empty;
                    return null;

                default:
                    error = $"unknown argument '{arg}'";
                    return null;
            }
        }

        if (options.SelfTest)
        {
            // The self-test decides its own port and hubs.
            options.Port = 0;
            options.Hubs.Clear();
            options.Hubs.AddRange(global::Sidecar.SelfTest.Hubs);
            options.HubPrefix = global::Sidecar.SelfTest.HubPrefix;
            options.BareHubPrefix = global::Sidecar.SelfTest.BareHubPrefix;
            return options;
        }

        if (!portSeen)
        {
            error = "--port is required";
            return null;
        }

        if (options.Hubs.Count == 0 && options.HubPrefix is null && options.BareHubPrefix is null)
        {
            error = "give --hubs, --hub-prefix or --bare-hub-prefix";
            return null;
        }

        return options;
    }
}
