using System.CommandLine;
using ConvertTool.Llama2c;
using Spectre.Console;

namespace ConvertTool.Cli;

/// <summary><c>convert llama2c --checkpoint model.bin --tokenizer tokenizer.bin --out DIR [--dtype f32|f16|bf16]</c>.</summary>
public static class Llama2cCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "llama2.c checkpoint (.bin, legacy v0 format).", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "llama2.c tokenizer.bin for the checkpoint's vocabulary.", Required = true };
        var output = new Option<string>("--out") { Description = "Output directory (created if missing).", Required = true };
        var dtype = new Option<string>("--dtype") { Description = DtypeArgument.Help, DefaultValueFactory = _ => "f32" };
        var command = new Command("llama2c", "Convert a llama2.c checkpoint and tokenizer.bin to a Hugging Face Llama directory.")
        {
            checkpoint, tokenizer, output, dtype,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var options = new Llama2cConversionOptions(
                parse.GetValue(checkpoint)!, parse.GetValue(tokenizer)!, parse.GetValue(output)!, DtypeArgument.Parse(parse.GetValue(dtype)!));
            var result = Llama2cConversion.Run(options);
            foreach (var file in result.Files)
            {
                AnsiConsole.MarkupLineInterpolated($"wrote [green]{file}[/]");
            }
            AnsiConsole.MarkupLineInterpolated($"{result.ParameterCount:N0} parameters");
            return 0;
        }));
        return command;
    }
}
