using System.CommandLine;

namespace ConvertTool.Cli;

/// <summary>The table of contents of the <c>convert</c> tool: one line per subcommand, each in its own file.</summary>
public static class ConvertCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Checkpoint conversion and inspection: llama2.c to Hugging Face, dtype changes, LoRA merges, GGUF export.");
        root.Subcommands.Add(Llama2cCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(DtypeCommand.Create());
        root.Subcommands.Add(MergeLoraCommand.Create());
        root.Subcommands.Add(GgufCommand.Create());
        return root;
    }
}
