using System.Text.Json;
using Server.Errors;
using Server.Generation;

namespace Server.Requests;

/// <summary>Validation of the sampling and stop fields of a generation request (samplers.md §13).</summary>
public static class RequestValidation
{
    /// <summary>
    /// Parses and range-checks every sampling field of <paramref name="body"/> (the override-merged body).
    /// Token-id lists are checked against <paramref name="vocabSize"/>; <c>min_tokens</c> against
    /// <paramref name="maxTokens"/>; a list seed against <paramref name="n"/>.
    /// </summary>
    /// <remarks>
    /// Interim: the single call site the engine's <c>SamplingParams.FromJson(JsonElement)</c> replaces; keep
    /// callers going through this method so the swap is one edit.
    /// </remarks>
    public static SamplingSettings ParseSampling(JsonElement body, int vocabSize, int n, int bestOf, int maxTokens, int? logprobs)
    {
        SamplingFieldRules.Check(body);
        var temperature = JsonFields.Number(body, "temperature") ?? 1.0;
        var greedy = temperature < 1e-5;
        if (greedy && n > 1)
            throw new RequestValidationException("n", $"n must be 1 when sampling is greedy (temperature=0), got {n}.");
        if (greedy && bestOf > 1 && JsonFields.Bool(body, "use_beam_search") != true)
            throw new RequestValidationException("best_of", $"best_of must be 1 when sampling is greedy (temperature=0), got {bestOf}.");

        var minTokens = JsonFields.Int(body, "min_tokens") ?? 0;
        if (minTokens > maxTokens)
            throw new RequestValidationException("min_tokens", $"min_tokens must be less than or equal to max_tokens={maxTokens}, got {minTokens}.");

        var stop = JsonFields.StringOrList(body, "stop") ?? [];
        for (var i = 0; i < stop.Count; i++)
            if (stop[i].Length == 0)
                throw new RequestValidationException("stop", $"stop[{i}] must be a non-empty string.");
        var detokenize = JsonFields.Bool(body, "detokenize") ?? true;
        if (!detokenize && stop.Count > 0)
            throw new RequestValidationException("stop", "stop strings require detokenize=true.");

        var stopTokenIds = new List<int>(CheckIds(body, "stop_token_ids", vocabSize) ?? []);
        // Friendli stop_tokens: [{"tokens": [...]}, ...] flattened into stop_token_ids (api.md §12.2).
        if (JsonFields.Array(body, "stop_tokens") is JsonElement stopTokens)
        {
            var i = 0;
            foreach (var item in stopTokens.EnumerateArray())
            {
                var name = $"stop_tokens[{i++}]";
                if (item.ValueKind != JsonValueKind.Object) throw JsonFields.TypeError(name, "an object {\"tokens\": [int]}", item);
                stopTokenIds.AddRange(CheckIds(item, "tokens", vocabSize, name + ".tokens") ?? []);
            }
        }
        _ = CheckIds(body, "custom_token_bans", vocabSize);
        _ = CheckIds(body, "dry_sequence_breaker_ids", vocabSize);
        if (CheckIds(body, "allowed_token_ids", vocabSize) is { Count: 0 })
            throw new RequestValidationException("allowed_token_ids", "allowed_token_ids must not be empty.");

        var (seed, seeds) = ParseSeed(body, n);
        return new SamplingSettings
        {
            Body = body.Clone(),
            Temperature = temperature,
            TopP = JsonFields.Number(body, "top_p") ?? 1.0,
            TopK = JsonFields.Int(body, "top_k") ?? -1,
            MinP = JsonFields.Number(body, "min_p") ?? 0,
            PresencePenalty = JsonFields.Number(body, "presence_penalty") ?? 0,
            FrequencyPenalty = JsonFields.Number(body, "frequency_penalty") ?? 0,
            RepetitionPenalty = JsonFields.Number(body, "repetition_penalty") ?? 1.0,
            Seed = seed,
            Seeds = seeds,
            Stop = stop,
            StopTokenIds = stopTokenIds,
            MinTokens = minTokens,
            IgnoreEos = JsonFields.Bool(body, "ignore_eos") ?? false,
            IncludeStopStrInOutput = JsonFields.Bool(body, "include_stop_str_in_output") ?? false,
            SkipSpecialTokens = JsonFields.Bool(body, "skip_special_tokens") ?? true,
            Detokenize = detokenize,
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

    // seed: int64, −1 = none (aph), or a Friendli list with one seed per choice (samplers.md §8.2).
    private static (long? Seed, IReadOnlyList<long>? Seeds) ParseSeed(JsonElement body, int n)
    {
        if (!JsonFields.TryGet(body, "seed", out var v)) return (null, null);
        if (v.ValueKind != JsonValueKind.Array)
        {
            var s = JsonFields.AsLong(v, "seed");
            return (s == -1 ? null : s, null);
        }
        var seeds = new List<long>(v.GetArrayLength());
        foreach (var item in v.EnumerateArray())
            seeds.Add(JsonFields.AsLong(item, $"seed[{seeds.Count}]"));
        if (seeds.Count != n)
            throw new RequestValidationException("seed", $"seed as a list must have n={n} elements, got {seeds.Count}.");
        return (null, seeds);
    }
}
