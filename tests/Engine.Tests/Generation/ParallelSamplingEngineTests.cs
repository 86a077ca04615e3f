using System.Text.Json;
using Engine.Generation;
using Engine.Model;
using Engine.Sampling;
using Engine.Tests.Model;

namespace Engine.Tests.Generation;

/// <summary>
/// The engine on two CPU threads samples a step's sequences in parallel (a batch of ≥ 3); on one thread, one after
/// another. The CPU forward splits work over output rows, so its logits do not depend on the thread count, and every
/// sequence draws by its own (seed, choice, step): the whole served output must be the same, bit for bit.
/// </summary>
public sealed class ParallelSamplingEngineTests
{
    private static readonly ModelConfig Tiny = ModelShapes.Get("gqa-untied");
    private static readonly Weights TinyWeights = RandomWeights.Create(Tiny, seed: 23);

    private static SamplingParams Json(string json) => SamplingParams.FromJson(JsonDocument.Parse(json).RootElement);

    // seeded sampling of several kinds with logprobs, prompt logprobs, n > 1, and a beam search beside them
    private static readonly EngineRequest[] Requests =
    [
        new([3, 17, 42, 8, 25], Json("""{"seed": 1, "logprobs": 3, "ignore_eos": true}"""), 12),
        new([5, 6, 7], Json("""{"seed": 2, "temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05, "repetition_penalty": 1.1, "logprobs": 2, "ignore_eos": true}"""), 12),
        new([9, 1, 4, 4, 2, 30, 31], Json("""{"seed": 3, "mirostat_mode": 2, "ignore_eos": true}"""), 12),
        new([11, 12], Json("""{"seed": 4, "n": 3, "temperature": 1.3, "typical_p": 0.9, "ignore_eos": true}"""), 10),
        new([20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30], Json("""{"seed": 5, "prompt_logprobs": 2, "logprobs": 1, "ignore_eos": true}"""), 8),
        new([40, 41, 42], Json("""{"seed": 7, "temperature": 0, "best_of": 2, "use_beam_search": true, "ignore_eos": true}"""), 6),
        new([7, 7, 7, 7], Json("""{"seed": 6, "dry_multiplier": 0.8, "dry_sequence_breakers": [], "xtc_probability": 1, "xtc_threshold": 0.05, "ignore_eos": true}"""), 12),
    ];

    private static async Task<string[]> Serve(int threads)
    {
        using var engine = LlmEngine.Create(Tiny, TinyWeights, new EngineOptions { Threads = threads, BlockSize = 4, MaxNumSeqs = 12 });
        var runs = Requests.Select(async request =>
        {
            var outputs = new List<RequestOutput>();
            await foreach (var output in engine.GenerateAsync(request))
            {
                outputs.Add(output);
            }
            // every choice's stream in order; JSON writes floats round-trip, so equal text is equal bits
            return JsonSerializer.Serialize(outputs.OrderBy(o => o.Choice).ToList());
        });
        return await Task.WhenAll(runs);
    }

    [Fact]
    public async Task TwoThreads_ServeTheOneThreadOutputs_BitForBit()
    {
        var sequential = await Serve(threads: 1);
        var parallel = await Serve(threads: 2);
        Assert.Equal(sequential, parallel);
        // the comparison covers real content: sampled tokens with logprobs, and the prompt logprobs
        Assert.Contains("\"PromptLogprobs\":[null,{", sequential[4], StringComparison.Ordinal);
        Assert.All(sequential, s => Assert.Contains("\"TokenIds\":[", s, StringComparison.Ordinal));
    }
}
