using ConvertTool.Inspect;
using ConvertTool.Llama2c;
using Spectre.Console;

namespace ConvertTool.Tests;

public sealed class CheckpointInspectionTests
{
    /// <summary>Floats in the aidreams file: weights plus the two legacy RoPE tables of seq_len * head_size/2.</summary>
    private const long AidreamsFileFloats = Aidreams.ParameterCount + (2 * Aidreams.SeqLen * (Aidreams.HeadSize / 2));

    private static string RenderToText(InspectionReport report)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        CheckpointInspection.Render(report, console);
        return writer.ToString();
    }

    [Fact]
    public void InspectsLlama2cCheckpoint_CountingEveryFloatInTheFile()
    {
        var report = CheckpointInspection.Run(Aidreams.Model);

        Assert.Equal(233_024, AidreamsFileFloats); // the README: 28 + 4 * 233024 = 932124 bytes
        Assert.Equal(AidreamsFileFloats, report.ParameterCount);
        Assert.Equal(13, report.Tensors.Count);
        Assert.Equal([4L, 172, 64], report.Tensors.Single(t => t.Name == "W1").Shape);
        Assert.Contains("233,024 parameters", RenderToText(report), StringComparison.Ordinal);
    }

    [Fact]
    public void InspectsConvertedDirectory_WithTensorRowsAndTotals()
    {
        using var dir = new TempDirectory();
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, dir.Path));

        var report = CheckpointInspection.Run(dir.Path);
        var text = RenderToText(report);

        Assert.Equal(Aidreams.ParameterCount, report.ParameterCount);
        Assert.Equal(Aidreams.ParameterCount * 4, report.TotalBytes);
        Assert.Contains("model.layers.3.self_attn.q_proj.weight", text, StringComparison.Ordinal);
        Assert.Contains("[512, 64]", text, StringComparison.Ordinal);
        Assert.Contains($"{Aidreams.ParameterCount:N0} parameters", text, StringComparison.Ordinal);
        Assert.Contains("38 tensors", text, StringComparison.Ordinal);
    }
}
