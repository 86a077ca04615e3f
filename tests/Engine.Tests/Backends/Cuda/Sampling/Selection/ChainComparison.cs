using System.Text.Json;
using Engine.Backends.Cuda.Sampling.Selection;
using Engine.Sampling;
using Kernels;
using Kernels.SelfTest;
using ILGPU.Runtime;

namespace Engine.Tests.Backends.Cuda.Sampling.Selection;

/// <summary>One decoding step of a batch through the CPU <see cref="SequenceSampler"/> and through <see cref="DeviceSamplerChain"/>.</summary>
internal static class ChainComparison
{
    /// <summary>One row: its request JSON, logits, RNG identity and how many top logprobs it asks for.</summary>
    public sealed record Row(string Json, float[] Logits, long Seed, int Choice, int Step, int TopLogprobs = 0);

    /// <summary>What one side produced for one row.</summary>
    public sealed record Outcome(float[] Probs, int Token, float Logprob, TokenLogprob[] Top);

    public static SamplingParams Params(string json, int vocab)
    {
        using var doc = JsonDocument.Parse(json);
        return SamplingParams.FromJson(doc.RootElement, new SamplingLimits { VocabSize = vocab });
    }

    public static Outcome Cpu(Row row)
    {
        var vocab = row.Logits.Length;
        var sampler = SequenceSampler.Create(Params(row.Json, vocab), new SamplerSetup(vocab, []), row.Seed, row.Choice);
        var top = new TokenLogprob[row.TopLogprobs];
        var result = sampler.SampleWithLogprobs((float[])row.Logits.Clone(), [], new int[row.Step], top);
        return new Outcome(sampler.FinalDistribution.ToArray(), result.TokenId, result.Logprob, top[..result.TopCount]);
    }

    public static Outcome[] Device(KernelContext context, AcceleratorStream stream, IReadOnlyList<Row> rows)
    {
        var vocab = rows[0].Logits.Length;
        using var chain = new DeviceSamplerChain(context, rows.Count, vocab);
        var packed = rows.Select(r =>
        {
            var p = Params(r.Json, vocab);
            return RowSamplingParams.From(p, r.Seed, r.Choice, r.Step, 2f * p.MirostatTau, r.TopLogprobs);
        }).ToArray();
        using var logits = Expect.Upload(context, rows.SelectMany(r => r.Logits).ToArray());
        chain.Run(stream, logits.View, packed);
        var tokens = new SampledToken[rows.Count];
        chain.DownloadTokens(stream, tokens);
        var probs = new float[rows.Count * vocab];
        chain.Probabilities.SubView(0, probs.Length).CopyToCPU(stream, probs);
        stream.Synchronize();
        return [.. rows.Select((r, i) =>
        {
            var top = new TokenLogprob[r.TopLogprobs];
            var count = chain.DownloadTopLogprobs(stream, i, top);
            return new Outcome(probs[(i * vocab)..((i + 1) * vocab)], tokens[i].Token, tokens[i].Logprob, top[..count]);
        })];
    }

    /// <summary>
    /// Asserts the device matched the CPU on every row: probabilities within <paramref name="tolerance"/> absolute
    /// (the softmax sums in another order, ~1e−7 relative), the same token, its logprob within 1e−4 (ln of a p that
    /// differs by ~1e−6 relative near the smallest reported p), the same top ids in the same order.
    /// </summary>
    public static void AssertSame(IReadOnlyList<Row> rows, Outcome[] device, float tolerance = 1e-5f)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var cpu = Cpu(rows[i]);
            var what = $"row {i} of {rows.Count} ({rows[i].Json}, vocab {rows[i].Logits.Length})";
            Expect.Close(cpu.Probs, device[i].Probs, tolerance, 0f, what + " probs");
            Assert.True(cpu.Token == device[i].Token, $"{what}: CPU token {cpu.Token}, device {device[i].Token}");
            Assert.True(Math.Abs(cpu.Logprob - device[i].Logprob) <= 1e-4f, $"{what}: logprob CPU {cpu.Logprob}, device {device[i].Logprob}");
            Assert.Equal(cpu.Top.Select(t => t.TokenId), device[i].Top.Select(t => t.TokenId));
            for (var j = 0; j < cpu.Top.Length; j++)
            {
                Assert.True(Math.Abs(cpu.Top[j].Logprob - device[i].Top[j].Logprob) <= 1e-4f, $"{what}: top {j} logprob CPU {cpu.Top[j].Logprob}, device {device[i].Top[j].Logprob}");
            }
        }
    }

    /// <summary>Logits in [−6, 6], a third of them on a 0.25 grid so that ties (and the tie rules) are common.</summary>
    public static float[] RandomLogits(int vocab, int seed)
    {
        var random = new Random(seed);
        var logits = new float[vocab];
        for (var i = 0; i < vocab; i++)
        {
            var l = (random.NextSingle() * 12f) - 6f;
            logits[i] = random.Next(3) == 0 ? MathF.Round(l * 4f) / 4f : l;
        }
        return logits;
    }
}
