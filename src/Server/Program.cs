using Server.Cli;

// The `engine` executable: every subcommand is listed in Cli/EngineCli.cs.
return await EngineCli.Build().Parse(args).InvokeAsync();
