using System.Text.Json;
using Engine.Sampling;
using Server.Errors;
using Server.Generation;

namespace Server.Requests;

/// <summary>Validation of the sampling and stop fields of a generation request (samplers.md §13).</summary>
public static class RequestValidation
{
    /// <summary>
    /// Parses and range-checks every sampling field of <paramref name="body"/> (the override-merged body) with the
    /// engine's <see cref="SamplingParams.FromJson"/>, the one table of sampler fields, ranges and defaults; its
    /// errors become 400s naming the field. Token-id lists are checked against <paramref name="vocabSize"/>;
    /// <c>min_tokens</c> against the resolved <paramref name="maxTokens"/>.
    /// </summary>
    public static SamplingSettings ParseSampling(JsonElement body, int vocabSize, int n, int bestOf, int maxTokens, int? logprobs)
    {
        SamplingParams p;
        try
        {
            p = SamplingParams.FromJson(body, new SamplingLimits { VocabSize = vocabSize });
        }
        catch (SamplingParamsException e)
        {
            throw new RequestValidationException(e.Field, e.Message);
        }
        // the one rule that needs the prompt: max_tokens defaults to the rest of the context for chat
        if (p.MinTokens > maxTokens)
            throw new RequestValidationException("min_tokens", $"min_tokens must be less than or equal to max_tokens={maxTokens}, got {p.MinTokens}.");
        return new SamplingSettings
        {
            Body = body.Clone(),
            Params = p with { N = n, BestOf = Math.Max(bestOf, n) },
            Temperature = p.Temperature,
            TopP = p.TopP,
            TopK = p.TopK == 0 ? -1 : p.TopK,
            MinP = p.MinP,
            PresencePenalty = p.PresencePenalty,
            FrequencyPenalty = p.FrequencyPenalty,
            RepetitionPenalty = p.RepetitionPenalty,
            Seed = p.Seed,
            Seeds = p.Seeds.Count > 0 ? p.Seeds : null,
            Stop = p.Stop,
            StopTokenIds = p.StopTokenIds,
            MinTokens = p.MinTokens,
            IgnoreEos = p.IgnoreEos,
            IncludeStopStrInOutput = p.IncludeStopStrInOutput,
            SkipSpecialTokens = p.SkipSpecialTokens,
            Detokenize = p.Detokenize,
            Logprobs = logprobs,
        };
    }

    /// <summary>Token ids each in [0, <paramref name="vocabSize"/>); errors name <c>field[i]</c>.</summary>
    public static IReadOnlyList<int>? CheckIds(JsonElement body, string field, int vocabSize, string? path = null)
    {
        if (!JsonFields.TryGet(body, field, out var v)) return null;
        var name = path ?? field;
        var ids = JsonFields.AsIntList(v, name);
        for (var i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)vocabSize)
                throw new RequestValidationException(name, $"{name}[{i}] must be a token id in [0, {vocabSize}), got {ids[i]}.");
        return ids;
    }
}
