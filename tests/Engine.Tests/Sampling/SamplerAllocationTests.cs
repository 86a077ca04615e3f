using System.Text.Json;
using Engine.Sampling;

namespace Engine.Tests.Sampling;

/// <summary>The per-token path allocates nothing once the sampler and its workspace exist.</summary>
public sealed class SamplerAllocationTests
{
    [Theory]
    [MemberData(nameof(Configs))]
    public void Sample_AllocatesNothingPerToken(string json)
    {
        const int Vocab = 3000;
        var p = SamplingParams.FromJson(JsonDocument.Parse(json).RootElement);
        var sampler = SequenceSampler.Create(p, new SamplerSetup(Vocab, [2]), seed: 9);
        var rng = new Random(1);
        var row = Enumerable.Range(0, Vocab).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        var logits = new float[Vocab];
        int[] prompt = [.. Enumerable.Range(0, 200).Select(i => i * 7 % Vocab)];
        int[] output = [.. Enumerable.Range(0, 50).Select(i => i * 13 % Vocab)];
        var top = new TokenLogprob[5];
        // Warm-up past the tiered JIT's call-counting threshold (30 calls): its one-time transitions may land on
        // this thread. A real per-token allocation still shows in every measured step.
        for (var step = 0; step < 100; step++)
        {
            row.CopyTo(logits, 0);
            sampler.SampleWithLogprobs(logits, prompt, output, top);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var step = 0; step < 20; step++)
        {
            row.CopyTo(logits, 0);
            sampler.SampleWithLogprobs(logits, prompt, output.AsSpan(0, 30 + step), top);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    public static TheoryData<string> Configs => new(SamplerPropertyTests.ActiveConfigs.Concat(
    [
        """{"no_repeat_ngram_size": 2, "custom_token_bans": [1], "logit_bias": {"3": 1}, "bad_word_tokens": [{"tokens": [4, 5]}], "min_tokens": 100}""",
        """{"allowed_token_ids": [1, 2, 3, 4]}""",
        """{"temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05, "repetition_penalty": 1.1}""",
    ]));
}
