using System.Globalization;
using System.Text.Json;
using Server.Errors;
using Server.Hosting;

namespace Server.Requests;

/// <summary>
/// The request-shape fields shared by completions and chat (api.md §6.1, §7.1), validated; the sampling
/// fields are parsed separately by <see cref="RequestValidation.ParseSampling"/> once the prompt is known.
/// </summary>
/// <param name="MaxTokens">Explicit completion limit; null = the rest of the context.</param>
/// <param name="MaxTotalTokens">Friendli bound on prompt + output, or null.</param>
/// <param name="Logprobs">Completions: alternatives per token; chat: <c>top_logprobs</c> when <c>logprobs</c> is true; null = none.</param>
public sealed record GenerationFields(
    int N, int BestOf, bool Stream, bool IncludeUsage, bool ContinuousUsage, int? MaxTokens, int? MaxTotalTokens,
    double Multiplier, int Priority, string? RequestId, bool Echo, int? Logprobs, bool AddSpecialTokens,
    int? TruncatePromptTokens)
{
    private static readonly double[] Multipliers = [0.5, 1, 2, 4];

    public static GenerationFields Parse(JsonElement body, bool chat, ServerOptions options)
    {
        RejectUnsupported(body, chat);
        var n = JsonFields.Int(body, "n") ?? 1;
        if (n < 1 || n > options.MaxN)
            throw new RequestValidationException("n", $"n must be in [1, {options.MaxN}], got {n}.");
        var bestOf = JsonFields.Int(body, "best_of") ?? n;
        if (bestOf < n || bestOf > options.MaxN)
            throw new RequestValidationException("best_of", $"best_of must be in [n={n}, {options.MaxN}], got {bestOf}.");

        var stream = JsonFields.Bool(body, "stream") ?? false;
        var (includeUsage, continuousUsage) = ParseStreamOptions(body, stream);
        if (stream && JsonFields.Has(body, "prompt_logprobs"))
            throw new RequestValidationException("prompt_logprobs", "prompt_logprobs is not available with stream=true.");

        var echo = JsonFields.Bool(body, "echo") ?? false;
        var (maxTokens, maxTotal) = ParseMaxTokens(body, chat, echo);
        var multiplier = JsonFields.Number(body, "multiplier") ?? 1.0;
        if (Array.IndexOf(Multipliers, multiplier) < 0)
            throw new RequestValidationException("multiplier", $"multiplier must be one of 0.5, 1, 2, 4, got {multiplier.ToString(CultureInfo.InvariantCulture)}.");

        var truncate = JsonFields.Int(body, "truncate_prompt_tokens");
        if (truncate is < 1 and not -1)
            throw new RequestValidationException("truncate_prompt_tokens", $"truncate_prompt_tokens must be >= 1 or -1, got {truncate}.");
        _ = JsonFields.String(body, "user");
        ResponseFormat.Check(body);

        return new GenerationFields(
            n, bestOf, stream, includeUsage, continuousUsage, maxTokens, maxTotal, multiplier,
            JsonFields.Int(body, "priority") ?? 0, JsonFields.String(body, "request_id"), echo,
            ParseLogprobs(body, chat, options.MaxLogprobs), JsonFields.Bool(body, "add_special_tokens") ?? false,
            truncate);
    }

    /// <summary>
    /// The completion limit for one prompt of <paramref name="promptTokens"/> tokens, checked against the
    /// context length with the aph/vllm message (api.md §6.2, §7.5).
    /// </summary>
    public int ResolveMaxTokens(int promptTokens, int maxModelLen, string promptField)
    {
        var requested = MaxTokens ?? (MaxTotalTokens is int total ? total - promptTokens : maxModelLen - promptTokens);
        if (MaxTotalTokens is not null && requested < 1)
            throw new RequestValidationException("max_total_tokens", $"max_total_tokens must exceed the prompt length {promptTokens}, got {MaxTotalTokens}.");
        if (promptTokens + requested > maxModelLen || (MaxTokens is null && requested < 1))
        {
            var asked = promptTokens + Math.Max(requested, 0);
            throw new RequestValidationException(promptField,
                $"This model's maximum context length is {maxModelLen} tokens. However, you requested {asked} tokens " +
                $"({promptTokens} in the messages, {Math.Max(requested, 0)} in the completion). Please reduce the length of the messages or completion.");
        }
        return requested;
    }

    private static (bool IncludeUsage, bool Continuous) ParseStreamOptions(JsonElement body, bool stream)
    {
        if (JsonFields.Object(body, "stream_options") is not JsonElement options) return (false, false);
        if (!stream)
            throw new RequestValidationException("stream_options", "stream_options is only allowed when stream=true.");
        // include_usage defaults to true when the object is present (vllm).
        return (JsonFields.Bool(options, "include_usage") ?? true, JsonFields.Bool(options, "continuous_usage_stats") ?? false);
    }

    private static (int? MaxTokens, int? MaxTotal) ParseMaxTokens(JsonElement body, bool chat, bool echo)
    {
        // Chat: max_completion_tokens wins over max_tokens (vllm). Completions: absent → 16, explicit null → rest of context.
        var name = chat && JsonFields.Has(body, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int? max = JsonFields.Int(body, name);
        if (max is null && !chat && !body.TryGetProperty("max_tokens", out _)) max = 16;
        if (max is int m && (m < 0 || (m == 0 && (chat || !echo))))
            throw new RequestValidationException(name, $"{name} must be at least 1, got {m}.");
        var maxTotal = JsonFields.Int(body, "max_total_tokens");
        if (maxTotal is not null && JsonFields.Has(body, name))
            throw new RequestValidationException("max_total_tokens", $"max_total_tokens and {name} are mutually exclusive.");
        if (maxTotal is int t && t < 1)
            throw new RequestValidationException("max_total_tokens", $"max_total_tokens must be at least 1, got {t}.");
        return (maxTotal is null ? max : null, maxTotal);
    }

    private static int? ParseLogprobs(JsonElement body, bool chat, int maxLogprobs)
    {
        if (!chat)
        {
            var k = JsonFields.Int(body, "logprobs");
            if (k is < 0 || k > maxLogprobs)
                throw new RequestValidationException("logprobs", $"logprobs must be in [0, {maxLogprobs}], got {k}.");
            return k;
        }
        var on = JsonFields.Bool(body, "logprobs") ?? false;
        var top = JsonFields.Int(body, "top_logprobs") ?? 0;
        if (top < 0 || top > maxLogprobs)
            throw new RequestValidationException("top_logprobs", $"top_logprobs must be in [0, {maxLogprobs}], got {top}.");
        if (top > 0 && !on)
            throw new RequestValidationException("top_logprobs", "top_logprobs requires logprobs=true.");
        return on ? top : null;
    }

    private static void RejectUnsupported(JsonElement body, bool chat)
    {
        if (!chat && JsonFields.TryGet(body, "suffix", out _))
            throw new RequestValidationException("suffix", "suffix is not currently supported.");
        // Friendli encoder-model fields: meaningless for decoder-only models (api.md §12.2).
        foreach (var name in (ReadOnlySpan<string>)["embedding_to_replace", "token_index_to_replace", "forced_output_tokens"])
            if (JsonFields.TryGet(body, name, out _))
                throw new RequestValidationException(name, $"{name} is not supported for decoder-only models.");
        if (JsonFields.Number(body, "encoder_repetition_penalty") is double erp && erp != 1.0)
            throw new RequestValidationException("encoder_repetition_penalty", "encoder_repetition_penalty is not supported for decoder-only models.");
        if (JsonFields.Int(body, "encoder_no_repeat_ngram") is int enr && enr > 1)
            throw new RequestValidationException("encoder_no_repeat_ngram", "encoder_no_repeat_ngram is not supported for decoder-only models.");
    }
}
