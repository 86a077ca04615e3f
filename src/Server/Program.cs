using Server.Cli;

// The `engine` executable: every subcommand is listed in Cli/EngineCli.cs. `engine serve` gets its engine
// from ServeCommand.HostFactory (Hosting/EngineSettings → Generation/IModelHost); wire the real engine's
// adapter here, e.g. ServeCommand.HostFactory = settings => EngineModelHost.Load(settings);
return await EngineCli.Build().Parse(args).InvokeAsync();
