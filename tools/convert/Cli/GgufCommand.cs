using System.CommandLine;
using ConvertTool.Gguf;
using Spectre.Console;

namespace ConvertTool.Cli;

/// <summary><c>convert gguf --in HF_DIR --out FILE.gguf [--dtype f32|f16|bf16|q8_0]</c>.</summary>
public static class GgufCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--in") { Description = "Hugging Face Llama/Mistral directory to read.", Required = true };
        var output = new Option<string>("--out") { Description = "GGUF file to write.", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Type of the weight matrices: f32, f16, bf16 or q8_0 (norms stay f32).", DefaultValueFactory = _ => "f32" };
        var command = new Command("gguf", "Write a Hugging Face Llama-family directory as a GGUF file for llama.cpp (weights, hyper-parameters, tokenizer).")
        {
            input, output, dtype,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var options = new GgufConversionOptions(parse.GetValue(input)!, parse.GetValue(output)!, ParseType(parse.GetValue(dtype)!));
            var tensors = GgufConversion.Run(options);
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{options.OutputFile}[/] ({tensors} tensors)");
            return 0;
        }));
        return command;
    }

    internal static GgmlType ParseType(string text) => text.ToLowerInvariant() switch
    {
        "f32" or "float32" => GgmlType.F32,
        "f16" or "float16" => GgmlType.F16,
        "bf16" or "bfloat16" => GgmlType.BF16,
        "q8_0" => GgmlType.Q8_0,
        _ => throw new ArgumentException($"--dtype '{text}' is not supported; use f32, f16, bf16 or q8_0"),
    };
}
