using System.Globalization;
using System.Text.Json;
using Engine.Sampling;
using Server.Errors;

namespace Server.Requests;

/// <summary>
/// The request-shape fields shared by completions and chat that are not sampling fields (api.md §6.1,
/// §7.1): streaming, echo, LoRA multiplier, priority. Sampling, n, best_of, logprobs and the length fields
/// are <see cref="SamplingParams"/>' (validated by the engine's reader).
/// </summary>
/// <param name="DefaultMaxTokens">Completion limit when the request gives none: 16 for completions, null = the rest of the context.</param>
public sealed record GenerationFields(
    SamplingParams Sampling, bool Stream, bool IncludeUsage, bool ContinuousUsage, int? DefaultMaxTokens,
    double Multiplier, int Priority, string? RequestId, bool Echo, bool AddSpecialTokens)
{
    private static readonly double[] Multipliers = [0.5, 1, 2, 4];

    public int N => Sampling.N;

    /// <summary>Friendli's <c>timeout_microseconds</c> (api.md §12.2): the longest wait for the first token; null = none.</summary>
    public TimeSpan? QueueTimeout { get; init; }

    /// <summary>Completions: alternatives per token; chat: <c>top_logprobs</c> when <c>logprobs</c> is true; null = none.</summary>
    public int? Logprobs => Sampling.Logprobs;

    public static GenerationFields Parse(JsonElement body, bool chat, SamplingParams sampling)
    {
        RejectUnsupported(body, chat);
        var stream = JsonFields.Bool(body, "stream") ?? false;
        var (includeUsage, continuousUsage) = ParseStreamOptions(body, stream);
        var multiplier = JsonFields.Number(body, "multiplier") ?? 1.0;
        if (Array.IndexOf(Multipliers, multiplier) < 0)
            throw new RequestValidationException("multiplier", $"multiplier must be one of 0.5, 1, 2, 4, got {multiplier.ToString(CultureInfo.InvariantCulture)}.");
        _ = JsonFields.String(body, "user");
        // Completions: absent max_tokens → 16, explicit null → rest of the context (aph); chat: rest of the context.
        int? defaultMax = !chat && !body.TryGetProperty("max_tokens", out _) ? 16 : null;
        return new GenerationFields(
            sampling, stream, includeUsage, continuousUsage, defaultMax, multiplier, JsonFields.Int(body, "priority") ?? 0,
            JsonFields.String(body, "request_id"), JsonFields.Bool(body, "echo") ?? false,
            JsonFields.Bool(body, "add_special_tokens") ?? false) { QueueTimeout = ParseQueueTimeout(body) };
    }

    private const long MaxQueueTimeoutMicroseconds = (uint.MaxValue - 1L) * 1000;

    // 0 (or null) is "no timeout", the value clients fill in for an unset integer.
    private static TimeSpan? ParseQueueTimeout(JsonElement body) => JsonFields.Long(body, "timeout_microseconds") switch
    {
        null or 0 => null,
        < 0 and var t => throw new RequestValidationException("timeout_microseconds", $"timeout_microseconds must be a non-negative integer, got {t}."),
        // the longest wait a .NET timer can hold (2^32 − 2 ms, about 49.7 days)
        > MaxQueueTimeoutMicroseconds and var t => throw new RequestValidationException("timeout_microseconds",
            $"timeout_microseconds must be at most {MaxQueueTimeoutMicroseconds}, got {t}."),
        var t => TimeSpan.FromMicroseconds(t.Value),
    };

    /// <summary>
    /// (max_tokens, min_tokens) for one prompt of <paramref name="promptTokens"/> tokens, checked against the
    /// context length with the aph/vllm message (api.md §6.2, §7.5).
    /// </summary>
    public (int MaxTokens, int MinTokens) ResolveLengths(int promptTokens, int maxModelLen, string promptField)
    {
        int max, min;
        try
        {
            (max, min) = Sampling.ResolveLengths(promptTokens, DefaultMaxTokens ?? maxModelLen - promptTokens, maxModelLen);
        }
        catch (SamplingParamsException e)
        {
            throw new RequestValidationException(e.Field, e.Message);
        }
        if (promptTokens + max > maxModelLen || max < 0 || (max == 0 && !Echo))
        {
            var asked = promptTokens + Math.Max(max, 0);
            throw new RequestValidationException(promptField,
                $"This model's maximum context length is {maxModelLen} tokens. However, you requested {asked} tokens " +
                $"({promptTokens} in the messages, {Math.Max(max, 0)} in the completion). Please reduce the length of the messages or completion.");
        }
        if (min > max)
            throw new RequestValidationException("min_tokens", $"min_tokens must be less than or equal to max_tokens={max}, got {min}.");
        return (max, min);
    }

    private static (bool IncludeUsage, bool Continuous) ParseStreamOptions(JsonElement body, bool stream)
    {
        if (JsonFields.Object(body, "stream_options") is not JsonElement options) return (false, false);
        if (!stream)
            throw new RequestValidationException("stream_options", "stream_options is only allowed when stream=true.");
        // include_usage defaults to true when the object is present (vllm).
        return (JsonFields.Bool(options, "include_usage") ?? true, JsonFields.Bool(options, "continuous_usage_stats") ?? false);
    }

    private static void RejectUnsupported(JsonElement body, bool chat)
    {
        if (chat)
        {
            // Chat logprobs is a boolean switch; top_logprobs needs it on (api.md §7.1). An integer (the AwanLLM
            // example's "logprobs": 5) means logprobs: true with top_logprobs: N (the engine's reader takes N).
            var logprobs = JsonFields.TryGet(body, "logprobs", out var lp) && lp.ValueKind == JsonValueKind.Number
                || (JsonFields.Bool(body, "logprobs") ?? false);
            if ((JsonFields.Int(body, "top_logprobs") ?? 0) > 0 && !logprobs)
                throw new RequestValidationException("top_logprobs", "top_logprobs requires logprobs to be true.");
        }
        if (!chat && JsonFields.TryGet(body, "suffix", out _))
            throw new RequestValidationException("suffix", "suffix is not currently supported.");
        // Friendli encoder-model inputs: meaningless for decoder-only models (api.md §12.2).
        foreach (var name in (ReadOnlySpan<string>)["embedding_to_replace", "token_index_to_replace", "forced_output_tokens"])
            if (JsonFields.TryGet(body, name, out _))
                throw new RequestValidationException(name, $"{name} is not supported for decoder-only models.");
    }
}
