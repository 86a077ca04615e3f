using System.CommandLine;
using ConvertTool.Inspect;
using Spectre.Console;

namespace ConvertTool.Cli;

/// <summary><c>convert inspect PATH</c>: a table of tensors, dtypes, shapes and bytes, with the parameter count.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A .safetensors file, a checkpoint directory, or a llama2.c .bin." };
        var command = new Command("inspect", "List the tensors of a checkpoint with dtypes, shapes, bytes and the parameter count.") { path };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            CheckpointInspection.Render(CheckpointInspection.Run(parse.GetValue(path)!), AnsiConsole.Console);
            return 0;
        }));
        return command;
    }
}
