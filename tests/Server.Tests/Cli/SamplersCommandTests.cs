using System.Globalization;
using System.Text.Json;
using Server.Cli;

namespace Server.Tests.Cli;

/// <summary><c>engine samplers</c>'s logic in-process: <c>--device check</c> (the device kernels on ILGPU's CPU accelerator) against <c>--device cpu</c>.</summary>
public sealed class SamplersCommandTests
{
    [Theory]
    [InlineData("""{"temperature": 0.8, "top_k": 3, "top_p": 0.9}""")]
    [InlineData("""{"min_p": 0.1, "typical_p": 0.95, "seed": 3}""")]
    [InlineData("""{"repetition_penalty": 1.5, "frequency_penalty": 0.4, "dry_multiplier": 0.8, "dry_allowed_length": 1, "min_tokens": 4, "temperature": 0.7}""")]
    public void CheckDevice_PrintsTheCpuChainsDistribution(string json)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "[2.0, 1.0, 0.5, 0.0, -1.0, 1.5]");
            var cpu = new StringWriter();
            var check = new StringWriter();

            Assert.Equal(0, SamplersCommand.Run(file, json, "5,1,2", "1,2,1", "3", "cpu", cpu, new StringWriter()));
            Assert.Equal(0, SamplersCommand.Run(file, json, "5,1,2", "1,2,1", "3", "check", check, new StringWriter()));

            var expected = Probs(cpu.ToString());
            var actual = Probs(check.ToString());
            Assert.Equal(expected.Length, actual.Length);
            // float32 softmax summed in another order: ~1e−7.
            Assert.All(expected.Zip(actual), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 1e-5, string.Create(CultureInfo.InvariantCulture, $"{pair.First} vs {pair.Second}")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void CheckDevice_Returns2NamingTheField_WhenAnIdIsOutsideTheVocabulary()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "[2.0, 1.0, 0.5]");
            var error = new StringWriter();

            Assert.Equal(2, SamplersCommand.Run(file, """{"frequency_penalty": 0.5, "logit_bias": {"7": 1.0}}""", null, "1", null, "check", new StringWriter(), error));
            Assert.Contains("logit_bias", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static float[] Probs(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("probs").EnumerateArray().Select(e => e.GetSingle())];
    }
}
