using Engine.Generation;
using Engine.Model;
using Engine.Output;
using Engine.Scheduling;
using Engine.Sampling;
using Engine.Tests.Model;
using Engine.Tokenization;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// Sampling on the device inside the engine (scheduler, runner, <c>DeviceStepSampler</c>, the CUDA backend's chain on
/// the check device, fed the CPU backend's logits: see <see cref="HostLogitsDeviceSampler"/>) against the same engine
/// sampling on the host: the logits are the same bits on both sides, so
/// every token, logprob and top logprob must agree, for a batch whose requests each mix penalties, DRY, n-gram bans,
/// bias, min_tokens, guided decoding and seeded samplers, while they run together.
/// </summary>
public sealed class DeviceSamplingEndToEndTests
{
    private static readonly Lazy<ModelCheckpoint> Checkpoint = new(Aidreams260KModel.Open);
    private static readonly Lazy<Tokenizer> AidreamsTokenizer = new(() => Tokenizer.FromDirectory(Aidreams260KModel.Directory));

    [Fact]
    public async Task MixedSamplerBatch_OnTheCheckDevice_EqualsHostSampling()
    {
        SamplingParams[] requests =
        [
            new() { Temperature = 0.9f, TopP = 0.9f, RepetitionPenalty = 1.3f, DryMultiplier = 0.8f, Seed = 5, Logprobs = 3, IgnoreEos = true },
            new() { Temperature = 0f, PresencePenalty = 0.7f, FrequencyPenalty = 0.3f, LogitBias = new Dictionary<int, float> { [300] = 4f }, MinTokens = 6 },
            new() { Temperature = 1.1f, MinP = 0.05f, TopK = 30, NoRepeatNgramSize = 2, Seed = 9, N = 2, BestOf = 2, Logprobs = 1, IgnoreEos = true },
            new() { Temperature = 0.7f, GuidedChoice = ["a calm sea", "the dog barked"], Seed = 3 },
        ];
        var (expected, hostRows) = await Run(deviceSampling: false, requests);
        var (actual, deviceRows) = await Run(deviceSampling: true, requests);

        Assert.Equal(0, hostRows);
        Assert.True(deviceRows > 0, "the check device sampled no row: device sampling did not run");
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal(e.Tokens, a.Tokens);
            Assert.Equal(e.Finish, a.Finish);
            Assert.Equal(e.Logprobs.Count, a.Logprobs.Count);
            for (var t = 0; t < e.Logprobs.Count; t++)
            {
                Assert.Equal(e.Logprobs[t].Logprob, a.Logprobs[t].Logprob, 1e-4f);
                Assert.Equal(e.Logprobs[t].Top.Select(x => x.TokenId), a.Logprobs[t].Top.Select(x => x.TokenId));
            }
        }
    }

    private sealed record Choice(string Key, List<int> Tokens, List<SampleLogprobs> Logprobs, FinishReason? Finish);

    private static async Task<(List<Choice> Choices, long DeviceRows)> Run(bool deviceSampling, SamplingParams[] requests)
    {
        var options = new EngineOptions
        {
            DeviceSampling = deviceSampling,
            DeviceSamplerFactory = (backend, slots, vocab, history) => new HostLogitsDeviceSampler(backend, slots, vocab, history),
            MaxNumSeqs = 5,
            BlockSize = 16,
            Threads = 1,
        };
        using var engine = LlmEngine.Create(Checkpoint.Value.Config, Checkpoint.Value.Weights, options, AidreamsTokenizer.Value);
        var prompts = new[] { "I dreamed", "The sea", "Once upon a time", "I dreamed of" };
        var runs = requests.Select(async (sampling, i) =>
        {
            var choices = new Dictionary<int, Choice>();
            await foreach (var output in engine.GenerateAsync(new EngineRequest(AidreamsTokenizer.Value.Encode(prompts[i]), sampling.Validate(), 10)))
            {
                var c = choices.TryGetValue(output.Choice, out var found) ? found : choices[output.Choice] = new Choice($"{i}.{output.Choice}", [], [], null);
                c.Tokens.AddRange(output.TokenIds);
                c.Logprobs.AddRange(output.Logprobs ?? []);
                if (output.FinishReason is not null)
                {
                    choices[output.Choice] = c with { Finish = output.FinishReason };
                }
            }
            return choices.Values.OrderBy(c => c.Key, StringComparer.Ordinal);
        });
        var all = (await Task.WhenAll(runs)).SelectMany(c => c).ToList();
        return (all, engine.Core.Runner.DeviceSampler?.DeviceRows ?? 0);
    }
}
