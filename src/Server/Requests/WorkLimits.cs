using System.Text.Json;
using Engine.Sampling;
using Server.Errors;
using Server.Generation;
using Server.Hosting;

namespace Server.Requests;

/// <summary>
/// The server's caps on the work one request may ask for (issue 13: an uncapped <c>best_of</c>, a 1000-prompt list
/// × <c>n</c> 128 or a 100k-prompt list each blocked the engine for everyone). Each check runs before the work it
/// guards: prompt count before tokenizing, guided size before compiling, sequences before submitting.
/// </summary>
public static class WorkLimits
{
    private static readonly string[] GuidedFields = ["guided_json", "guided_regex", "guided_grammar", "guided_choice", "response_format"];

    /// <summary>A <c>prompt</c> list longer than <see cref="ServerOptions.MaxPromptsPerRequest"/> is a 400 (a list of ids is one prompt).</summary>
    public static void CheckPromptCount(JsonElement body, ServerOptions options)
    {
        if (!JsonFields.TryGet(body, "prompt", out var prompt) || prompt.ValueKind != JsonValueKind.Array) return;
        var count = prompt.GetArrayLength();
        if (count > options.MaxPromptsPerRequest && prompt[0].ValueKind != JsonValueKind.Number)
            throw new RequestValidationException("prompt",
                $"A request may hold at most {options.MaxPromptsPerRequest} prompts (the server's --max-prompts), got {count}.");
    }

    /// <summary>Guided constraints longer than <see cref="ServerOptions.MaxGuidedChars"/> (as sent) are a 400, before they are compiled.</summary>
    public static void CheckGuidedSize(JsonElement body, ServerOptions options)
    {
        foreach (var name in GuidedFields)
        {
            if (!JsonFields.TryGet(body, name, out var value)) continue;
            var length = value.ValueKind == JsonValueKind.String ? value.GetString()!.Length : value.GetRawText().Length;
            if (length > options.MaxGuidedChars)
                throw new RequestValidationException(name,
                    $"{name} may be at most {options.MaxGuidedChars} characters long (the server's --max-guided-chars), got {length}.");
        }
    }

    /// <summary>
    /// <paramref name="prompts"/> × max(n, best_of) sequences: a 400 past <see cref="ServerOptions.MaxSequencesPerRequest"/>,
    /// a 503 with Retry-After when the engine's queue would pass <see cref="ServerOptions.MaxQueuedSequences"/>.
    /// </summary>
    public static void CheckSequences(int prompts, SamplingParams sampling, IModelHost host, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(sampling);
        ArgumentNullException.ThrowIfNull(host);
        var perPrompt = Math.Max(sampling.N, sampling.BestOf);
        var sequences = (long)prompts * perPrompt;
        if (sequences > options.MaxSequencesPerRequest)
            throw new RequestValidationException(prompts > 1 ? "prompt" : sampling.BestOf > sampling.N ? "best_of" : "n",
                $"A request may add at most {options.MaxSequencesPerRequest} sequences (the server's --max-seqs-per-request), " +
                $"got {prompts} prompt(s) × {perPrompt} = {sequences}.");
        var stats = host.Stats;
        if (stats.Running + stats.Waiting + sequences > options.MaxQueuedSequences)
            throw new ApiException(503, "ServiceUnavailableError",
                $"The server is at its queue limit ({options.MaxQueuedSequences} sequences, --max-queued-seqs); retry shortly.", null)
            {
                Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Retry-After"] = "1" },
            };
    }
}
