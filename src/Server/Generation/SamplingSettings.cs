using System.Text.Json;

namespace Server.Generation;

/// <summary>
/// The sampling fields of a request after the server's validation (samplers.md §13), plus the merged body
/// they came from so the engine can read every other field with <c>SamplingParams.FromJson(Body)</c>.
/// </summary>
/// <remarks>The typed members mirror <see cref="Params"/> for the server's own use (and its tests' fake host).</remarks>
public sealed record SamplingSettings
{
    /// <summary>The request body with the key's overrides merged in (a JSON object).</summary>
    public required JsonElement Body { get; init; }

    /// <summary>The engine's parsed parameters (n and best_of as the server resolved them); null: parse <see cref="Body"/>.</summary>
    public Engine.Sampling.SamplingParams? Params { get; init; }

    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;
    public int TopK { get; init; } = -1;
    public double MinP { get; init; }
    public double PresencePenalty { get; init; }
    public double FrequencyPenalty { get; init; }
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Scalar seed; null = the engine draws one. With a list seed, <see cref="Seeds"/> is set instead.</summary>
    public long? Seed { get; init; }

    /// <summary>Friendli list seed: one per choice (length = n); choice i uses (Seeds[i], choice 0).</summary>
    public IReadOnlyList<long>? Seeds { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    public int MinTokens { get; init; }
    public bool IgnoreEos { get; init; }
    public bool IncludeStopStrInOutput { get; init; }
    public bool SkipSpecialTokens { get; init; } = true;
    public bool Detokenize { get; init; } = true;

    /// <summary>Alternatives per generated token to report (null = no logprobs; 0 = only the sampled token).</summary>
    public int? Logprobs { get; init; }
}
