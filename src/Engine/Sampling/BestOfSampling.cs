namespace Engine.Sampling;

/// <summary>
/// <c>n</c> and <c>best_of</c> (§8.3, §8.4) as pure logic over a step callback: sample <c>best_of</c>
/// independent sequences (RNG choices 0 … best_of−1, each with its own history, Mirostat μ and stop state,
/// the prompt shared), then return the <c>n</c> with the highest cumulative final-distribution
/// log-probability, best first (ties by choice index). With <c>best_of = n</c> every sequence is returned in choice order.
/// </summary>
public static class BestOfSampling
{
    /// <summary>Given the output tokens of each live sequence, returns one raw logit row per sequence.</summary>
    public delegate float[][] Step(IReadOnlyList<IReadOnlyList<int>> liveSequences);

    public static IReadOnlyList<GeneratedSequence> Run(SamplingParams parameters, SamplerSetup setup, long serverSeed,
        IReadOnlyList<int> prompt, int maxTokens, int maxModelLen, Step step)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(step);
        var chain = new SamplerChain(parameters, setup);
        var workspace = new SamplerWorkspace(setup.VocabSize);
        var stops = new StopConditions(chain.Params, setup.EosTokenIds, maxTokens, maxModelLen);
        var count = chain.Params.BestOf;
        var samplers = new SequenceSampler[count];
        var outputs = new List<int>[count];
        var cumulative = new double[count];
        var finish = new StopDecision?[count];
        for (var i = 0; i < count; i++)
        {
            var (seed, choice) = chain.Params.RngIdentity(i, serverSeed);
            samplers[i] = new SequenceSampler(chain, seed, choice, workspace);
            outputs[i] = [];
        }
        int[] promptIds = [.. prompt];
        while (true)
        {
            var live = Enumerable.Range(0, count).Where(i => finish[i] is null).ToArray();
            if (live.Length == 0)
            {
                break;
            }
            var rows = step([.. live.Select(i => (IReadOnlyList<int>)outputs[i])]);
            for (var k = 0; k < live.Length; k++)
            {
                var i = live[k];
                var result = samplers[i].SampleWithLogprobs(rows[k], promptIds, outputs[i].ToArray(), []);
                if (result.TokenId == SequenceSampler.NoToken)
                {
                    finish[i] = new StopDecision(StopKind.Eos, null, false); // §3.7 rule 2: "stop", stop_reason null
                    continue;
                }
                outputs[i].Add(result.TokenId);
                cumulative[i] += result.Logprob;
                var decision = stops.Check(result.TokenId, outputs[i].Count, prompt.Count);
                if (decision.Kind != StopKind.None)
                {
                    finish[i] = decision;
                }
            }
        }
        var all = Enumerable.Range(0, count)
            .Select(i => new GeneratedSequence(outputs[i], cumulative[i], cumulative[i], finish[i]!.Value, i));
        return count == chain.Params.N
            ? [.. all]
            : [.. all.OrderByDescending(s => s.Score).ThenBy(s => s.Choice).Take(chain.Params.N)];
    }
}
