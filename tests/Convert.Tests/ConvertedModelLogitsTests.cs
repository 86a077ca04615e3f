using System.Text.Json;
using ConvertTool.Llama2c;
using Loader.Safetensors;
using Tests.Common;

namespace ConvertTool.Tests;

public sealed class ConvertedModelLogitsTests
{
    private const int Positions = 16;

    private static (int[] Tokens, double[][] Logits) Fixture()
    {
        // The second record ("Pixels"): prompt tokens then greedy ones, logits after each position.
        var line = File.ReadLines(SharedFiles.PathOf("fixtures", "llama2c", "aidreams260K-logits.jsonl")).ElementAt(1);
        using var record = JsonDocument.Parse(line);
        var tokens = record.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        var logits = record.RootElement.GetProperty("logits").EnumerateArray().Take(Positions)
            .Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return (tokens, logits);
    }

    private static double MaxDifference(SafetensorsFile weights, int[] tokens, double[][] expected)
    {
        var model = new HfLlamaReference(weights, Aidreams.Dim, Aidreams.Hidden, Aidreams.Layers, Aidreams.Heads, Aidreams.Heads, Aidreams.Vocab);
        var worst = 0.0;
        for (var pos = 0; pos < expected.Length; pos++)
        {
            var logits = model.Forward(tokens[pos]);
            worst = Math.Max(worst, logits.Zip(expected[pos], (a, b) => Math.Abs(a - b)).Max());
        }
        return worst;
    }

    [Fact]
    public void ConvertedWeights_WithRotateHalfRope_ReproduceLlama2cLogits()
    {
        using var dir = new TempDirectory();
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, dir.Path));
        using var weights = SafetensorsFile.Open(dir.File("model.safetensors"));
        var (tokens, expected) = Fixture();

        // The fixture is rounded to 6 significant digits with logits up to about 13: 2e-4 covers that rounding.
        Assert.InRange(MaxDifference(weights, tokens, expected), 0, 2e-4);
    }

    [Fact]
    public void UnpermutedWeights_DivergeFromLlama2cLogits()
    {
        // Control: the same forward over q/k copied without the permutation must fail the comparison,
        // or the test above could not detect a missing permutation.
        using var dir = new TempDirectory();
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, dir.Path));
        var unpermuted = dir.File("unpermuted.safetensors");
        using (var converted = SafetensorsFile.Open(dir.File("model.safetensors")))
        {
            SafetensorsWriter.WriteFile(unpermuted, converted.Tensors.Select(t =>
            {
                var data = t.Bytes.ToArray();
                var layer = t.Name.StartsWith("model.layers.", StringComparison.Ordinal) ? int.Parse(t.Name.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture) : -1;
                if (t.Name.EndsWith("q_proj.weight", StringComparison.Ordinal) || t.Name.EndsWith("k_proj.weight", StringComparison.Ordinal))
                {
                    var start = (t.Name.Contains("q_proj", StringComparison.Ordinal) ? Aidreams.Wq : Aidreams.Wk) + ((long)layer * Aidreams.Dim * Aidreams.Dim);
                    data = Aidreams.Range(start, Aidreams.Dim * Aidreams.Dim).SelectMany(BitConverter.GetBytes).ToArray();
                }
                return (t.Info, (ReadOnlyMemory<byte>)data);
            }).ToList());
        }
        using var weights = SafetensorsFile.Open(unpermuted);
        var (tokens, expected) = Fixture();

        Assert.InRange(MaxDifference(weights, tokens, expected), 1e-2, double.PositiveInfinity);
    }
}
