using System.Runtime.CompilerServices;
using Engine.Output;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Generation;

public sealed partial class LlmEngine
{
    /// <summary>
    /// Beam search (samplers.md §8.5) through the engine: the prompt is computed once, every live beam is a sequence
    /// of the batch, and children fork from their parents sharing the parents' KV blocks (copy-on-write of the partial
    /// last block). Yields the n best finished beams by score, whole, best first as choices 0 … n−1, each with its
    /// cumulative log-probability, finish reason and stop reason; stop strings end a beam (its text cut as usual).
    /// Throws <see cref="SamplingParamsException"/> (best_of) when the beam width exceeds the engine's sequences per step.
    /// </summary>
    private async IAsyncEnumerable<RequestOutput> BeamSearchAsync(EngineRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var p = request.Sampling;
        var prompt = request.PromptTokenIds;
        CheckPrompt(prompt);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxTokens);
        if (p.BestOf > Core.MaxNumSeqs)
        {
            throw new SamplingParamsException("best_of",
                $"The beam width (best_of) must be at most the engine's sequences per step ({Core.MaxNumSeqs}), got {p.BestOf}.");
        }
        var seed = p.Seed ?? SamplingParams.DrawServerSeed();
        // §9 rule 5: a beam that reaches the context is finished ("length") and never fed back
        var maxModelLen = Config.MaxContext;
        var config = BeamSearchConfig.From(p, prompt.Count, request.MaxTokens, maxModelLen, Config.EosTokenIds) with
        {
            NumLogprobs = Math.Max(p.Logprobs ?? 0, 0),
            StopsOnText = StopStringCheck(p, prompt, request.MaxTokens, maxModelLen),
        };
        var group = new BeamSearchGroup(config, NextRequestId, _samplerWorkspace);
        var sampler = new SequenceSampler(new SamplerChain(p, _samplerSetup), seed, 0, _samplerWorkspace);
        var stop = new StopConditions(p, Config.EosTokenIds, request.MaxTokens, maxModelLen);
        var root = new Request(NextRequestId(), prompt, sampler, stop, p.Logprobs ?? -1)
        {
            BeamGroup = group,
            NumPromptLogprobs = p.PromptLogprobs ?? -1,
            LoraId = request.Lora is { } lora ? LoraIdOf(lora) : -1,
            LoraMultiplier = request.Multiplier,
        };
        group.Attach(root);

        // the root's channel carries no tokens: it completes when the search ends (or is aborted)
        var reader = Enqueue(root, cancellationToken);
        await reader.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var results = group.Results;
        if (results.Count == 0)
        {
            // every beam lost all its tokens (§3.7 rule 2): one empty "stop" choice
            var empty = new OutputProcessor(0, seed, p, Tokenizer, stop, prompt);
            empty.Process(new GenerationOutput(-1, FinishReason.Stop) { PromptLogprobs = root.PromptLogprobs });
            yield return empty.Whole(0);
            yield break;
        }
        for (var rank = 0; rank < results.Count; rank++)
        {
            yield return Replay(results[rank], rank, seed, p, stop, prompt, root.PromptLogprobs);
        }
    }

    // A finished beam as one choice: its tokens go through the same OutputProcessor as sampled tokens, so text,
    // stop strings, EOS/stop-token text and stop reasons come out exactly as for n/best_of.
    private RequestOutput Replay(GeneratedSequence beam, int rank, long seed, SamplingParams p, StopConditions stop,
        IReadOnlyList<int> prompt, IReadOnlyList<PromptLogprob?>? promptLogprobs)
    {
        var processor = new OutputProcessor(rank, seed, p, Tokenizer, stop, prompt);
        var reason = beam.Finish.Kind == StopKind.Length ? FinishReason.Length : FinishReason.Stop;
        for (var i = 0; i < beam.Tokens.Count && processor.FinishReason is null; i++)
        {
            var last = i == beam.Tokens.Count - 1;
            var logprobs = beam.Logprobs[i];
            processor.Process(new GenerationOutput(beam.Tokens[i], last ? reason : null)
            {
                Logprob = logprobs.Logprob,
                TopLogprobs = p.Logprobs > 0 ? [.. logprobs.Top] : null,
                StopTokenId = last ? beam.Finish.StopTokenId : null,
                // a stop string is found in the token's text by the processor, so that text must reach it
                KeepTokenText = !last || beam.Finish.KeepTokenText || beam.Finish.Kind == StopKind.StopString,
                PromptLogprobs = i == 0 ? promptLogprobs : null,
            });
        }
        return processor.Whole(rank);
    }

    // Whether a candidate's output text contains a stop string (checked from min_tokens on, §9.3); null without stops.
    private Func<IReadOnlyList<int>, bool>? StopStringCheck(SamplingParams p, IReadOnlyList<int> prompt, int maxTokens, int maxModelLen)
    {
        if (p.Stop.Count == 0 || !p.Detokenize || Tokenizer is not { } tokenizer)
        {
            return null;
        }
        var conditions = new StopConditions(p, Config.EosTokenIds, maxTokens, maxModelLen);
        return tokens =>
        {
            var detokenizer = tokenizer.CreateDetokenizer(prompt, p.SkipSpecialTokens);
            var stops = new StopStrings(p.Stop, p.IncludeStopStrInOutput);
            for (var i = 0; i < tokens.Count; i++)
            {
                if (stops.Append(detokenizer.Add(tokens[i]), conditions.CheckStopStrings(i + 1)).Stopped)
                {
                    return true;
                }
            }
            return false;
        };
    }
}
