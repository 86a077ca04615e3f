using Server.Cli;

// The `engine` executable: every subcommand is listed in Cli/EngineCli.cs. `engine serve` loads its models
// through ServeCommand.HostFactory, which is the real engine (Generation/EngineModelHost) unless a test swaps it.
return await EngineCli.Build().Parse(args).InvokeAsync();
