using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using static Engine.Tests.Backends.Cuda.Sampling.Selection.ChainComparison;

namespace Engine.Tests.Backends.Cuda.Sampling.Selection;

/// <summary>
/// Random batches (1–8 rows, vocabulary 512–2048) whose rows each draw a random mix of the device chain's samplers,
/// random values and often a random <c>sampler_priority</c>, so rows of one batch run different orders: every row
/// must give the CPU chain's distribution within 1e−5, the same token and the same top logprobs.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class DeviceSamplerChainPropertyTests(CudaKernelFixture fixture)
{
    [Fact]
    public void RandomMixes_MatchCpuChain()
    {
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var random = new Random(seed);
            var vocab = random.Next(512, 2049);
            var rows = new Row[random.Next(1, 9)];
            for (var r = 0; r < rows.Length; r++)
            {
                rows[r] = new Row(RandomRequest(random), RandomLogits(vocab, random.Next()), random.NextInt64(), random.Next(4), random.Next(50), random.Next(3) == 0 ? random.Next(1, 21) : 0);
            }
            AssertSame(rows, Device(fixture.Context, fixture.Stream, rows));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(12));
    }

    private static string RandomRequest(Random random)
    {
        var fields = new List<string>();
        void Maybe(string name, double value)
        {
            if (random.Next(3) == 0)
            {
                fields.Add($"\"{name}\": {value.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }
        Maybe("temperature", random.Next(8) == 0 ? 0 : Math.Round(0.05 + (random.NextDouble() * 2), 3));
        if (random.Next(5) == 0)
        {
            fields.Add($"\"dynatemp_min\": {Math.Round(random.NextDouble(), 3).ToString(CultureInfo.InvariantCulture)}, \"dynatemp_max\": {Math.Round(1 + random.NextDouble(), 3).ToString(CultureInfo.InvariantCulture)}");
        }
        Maybe("top_k", random.Next(1, 100));
        Maybe("top_p", Math.Round(0.3 + (random.NextDouble() * 0.69), 3));
        Maybe("min_p", Math.Round(random.NextDouble() * 0.2, 3));
        Maybe("top_a", Math.Round(random.NextDouble() * 0.5, 3));
        Maybe("eta_cutoff", Math.Round(random.NextDouble() * 50, 2));
        Maybe("epsilon_cutoff", Math.Round(random.NextDouble() * 20, 2));
        Maybe("typical_p", Math.Round(0.2 + (random.NextDouble() * 0.79), 3));
        Maybe("smoothing_factor", Math.Round(random.NextDouble(), 3));
        Maybe("nsigma", Math.Round(0.5 + (random.NextDouble() * 2), 3));
        Maybe("tfs", Math.Round(0.5 + (random.NextDouble() * 0.49), 3));
        if (random.Next(6) == 0)
        {
            Maybe("skew", Math.Round((random.NextDouble() * 2) - 1, 3));
        }
        if (random.Next(4) == 0)
        {
            fields.Add($"\"xtc_probability\": {Math.Round(random.NextDouble(), 3).ToString(CultureInfo.InvariantCulture)}, \"xtc_threshold\": {Math.Round(random.NextDouble() * 0.05, 4).ToString(CultureInfo.InvariantCulture)}");
        }
        if (random.Next(8) == 0)
        {
            fields.Add("\"mirostat_mode\": 2, \"mirostat_tau\": 4");
        }
        if (random.Next(2) == 0)
        {
            var order = Enumerable.Range(0, 14).OrderBy(_ => random.Next()).ToArray();
            fields.Add($"\"sampler_priority\": [{string.Join(", ", order)}]");
        }
        else if (random.Next(3) == 0)
        {
            fields.Add("\"temperature_last\": true");
        }
        return "{" + string.Join(", ", fields) + "}";
    }
}
