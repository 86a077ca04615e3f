using System.CommandLine;
using ConvertTool.Dtype;
using Spectre.Console;

namespace ConvertTool.Cli;

/// <summary><c>convert dtype --in DIR --out DIR --dtype f32|f16|bf16</c>.</summary>
public static class DtypeCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--in") { Description = "Hugging Face model directory to read.", Required = true };
        var output = new Option<string>("--out") { Description = "Directory to write (created if missing).", Required = true };
        var dtype = new Option<string>("--dtype") { Description = DtypeArgument.Help, Required = true };
        var command = new Command("dtype", "Rewrite a checkpoint's floating-point tensors in another dtype; copy configs and tokenizer files.")
        {
            input, output, dtype,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var options = new DtypeConversionOptions(parse.GetValue(input)!, parse.GetValue(output)!, DtypeArgument.Parse(parse.GetValue(dtype)!));
            ProgressDisplay.Run($"converting to {parse.GetValue(dtype)}", progress => CheckpointDtypeConversion.RunAsync(options, progress).GetAwaiter().GetResult());
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{options.OutputDirectory}[/]");
            return 0;
        }));
        return command;
    }
}
