using ConvertTool.Cli;

// The `convert` tool: every subcommand is listed in Cli/ConvertCli.cs.
return await ConvertCli.Build().Parse(args).InvokeAsync();
