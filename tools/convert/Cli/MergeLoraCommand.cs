using System.CommandLine;
using ConvertTool.Lora;
using Spectre.Console;

namespace ConvertTool.Cli;

/// <summary><c>convert merge-lora --base DIR --adapter DIR [--multiplier M] --out DIR</c>.</summary>
public static class MergeLoraCommand
{
    public static Command Create()
    {
        var baseDir = new Option<string>("--base") { Description = "Base Hugging Face model directory.", Required = true };
        var adapter = new Option<string>("--adapter") { Description = "PEFT LoRA adapter directory (adapter_config.json, adapter_model.safetensors).", Required = true };
        var multiplier = new Option<double>("--multiplier") { Description = "Scale of the LoRA delta (1 = as trained).", DefaultValueFactory = _ => 1.0 };
        var output = new Option<string>("--out") { Description = "Directory to write the merged checkpoint to.", Required = true };
        var command = new Command("merge-lora", "Write a checkpoint with a LoRA adapter merged into its weights: W + multiplier · (alpha / r) · B·A.")
        {
            baseDir, adapter, multiplier, output,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var options = new LoraMergeOptions(parse.GetValue(baseDir)!, parse.GetValue(adapter)!, parse.GetValue(output)!, parse.GetValue(multiplier));
            ProgressDisplay.Run($"merging (multiplier {options.Multiplier})", progress => LoraMergeConversion.Run(options, progress));
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{options.OutputDirectory}[/]");
            return 0;
        }));
        return command;
    }
}
