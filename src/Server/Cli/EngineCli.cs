using System.CommandLine;

namespace Server.Cli;

/// <summary>The table of contents of the <c>engine</c> command line: one line per subcommand, each in its own file.</summary>
public static class EngineCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("A from-scratch LLM inference engine: OpenAI-compatible server, kernels, tools.");
        root.Subcommands.Add(VersionCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(SamplersCommand.Create());
        root.Subcommands.Add(ChatTemplateCommand.Create());
        root.Subcommands.Add(KernelsCommand.Create());
        return root;
    }
}
