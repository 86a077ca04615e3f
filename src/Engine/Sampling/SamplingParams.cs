namespace Engine.Sampling;

/// <summary>
/// Every generation parameter of samplers.md §13, already normalised (aliases folded, disabling values
/// canonical). The single source of truth for names, ranges and defaults: build it with
/// <see cref="FromJson"/> (HTTP and CLI) or with an object initialiser followed by <see cref="Validate"/>.
/// Defaults are the "off" values, so <c>new SamplingParams()</c> is plain sampling at temperature 1.
/// </summary>
public sealed partial record SamplingParams
{
    /// <summary>The default <c>dry_sequence_breakers</c> when the field is absent (§5.5).</summary>
    public static IReadOnlyList<string> DefaultDrySequenceBreakers { get; } = ["\n", ":", "\"", "*"];

    // Temperature family (§6).
    public float Temperature { get; init; } = 1f;
    public float DynatempMin { get; init; }
    public float DynatempMax { get; init; }
    public float DynatempExponent { get; init; } = 1f;
    public bool TemperatureLast { get; init; }

    // Truncation and shaping (§7). TopK 0 = off (−1 is normalised to 0).
    public float TopP { get; init; } = 1f;
    public int TopK { get; init; }
    public float TopA { get; init; }
    public float MinP { get; init; }
    public float Tfs { get; init; } = 1f;

    /// <summary>In units of 1e−4 (§11 D1): the floor is <c>EtaCutoff · 1e−4</c>.</summary>
    public float EtaCutoff { get; init; }

    /// <summary>In units of 1e−4 (§11 D1), range [0, 1000].</summary>
    public float EpsilonCutoff { get; init; }
    public float TypicalP { get; init; } = 1f;
    public float SmoothingFactor { get; init; }
    public float SmoothingCurve { get; init; } = 1f;
    public float Nsigma { get; init; }
    public float XtcThreshold { get; init; } = 0.1f;
    public float XtcProbability { get; init; }
    public float Skew { get; init; }
    public int MirostatMode { get; init; }
    public float MirostatTau { get; init; } = 5f;
    public float MirostatEta { get; init; } = 0.1f;

    // Repetition control (§5).
    public float RepetitionPenalty { get; init; } = 1f;
    public float PresencePenalty { get; init; }
    public float FrequencyPenalty { get; init; }
    public int NoRepeatNgramSize { get; init; }
    public float DryMultiplier { get; init; }
    public float DryBase { get; init; } = 1.75f;
    public int DryAllowedLength { get; init; } = 2;
    public IReadOnlyList<string> DrySequenceBreakers { get; init; } = DefaultDrySequenceBreakers;
    public IReadOnlyList<int> DrySequenceBreakerIds { get; init; } = [];
    public int DryRange { get; init; }
    public int DryMaxNgram { get; init; } = 12;
    public int DryMaxOccurrences { get; init; } = 8;
    public int DryEarlyExitMatchLen { get; init; } = 8;

    /// <summary>Empty = default order (or temperature-last); otherwise every id at least once (§3.3).</summary>
    public IReadOnlyList<SamplerId> SamplerPriority { get; init; } = [];

    // Pre-pipeline constraints (§4). LogitBias values are already clamped to [−100, 100].
    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = new Dictionary<int, float>();
    public IReadOnlyList<int> CustomTokenBans { get; init; } = [];
    public IReadOnlyList<string> BadWords { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<int>> BadWordTokens { get; init; } = [];

    /// <summary>Null = no restriction; never empty.</summary>
    public IReadOnlyList<int>? AllowedTokenIds { get; init; }

    // Guided decoding (§4.1): carried as raw text for the constraint compiler; at most one is set.
    public string? GuidedJson { get; init; }
    public string? GuidedRegex { get; init; }
    public IReadOnlyList<string> GuidedChoice { get; init; } = [];
    public string? GuidedGrammar { get; init; }
    public string? GuidedDecodingBackend { get; init; }
    public string? GuidedWhitespacePattern { get; init; }

    /// <summary>The <c>response_format</c> object as raw JSON; null for absent or <c>{"type":"text"}</c>.</summary>
    public string? ResponseFormat { get; init; }

    // Selection and multiplicity (§8).
    /// <summary>Null = the server draws one (§3.8). <c>−1</c> is normalised to null.</summary>
    public long? Seed { get; init; }

    /// <summary>Friendli per-choice seeds; when non-empty its length equals <see cref="N"/> (§8.2).</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [];
    public int N { get; init; } = 1;

    /// <summary>Resolved: equals <see cref="N"/> when the request omitted it.</summary>
    public int BestOf { get; init; } = 1;
    public bool UseBeamSearch { get; init; }
    public float LengthPenalty { get; init; } = 1f;
    public EarlyStopping EarlyStopping { get; init; }

    // Termination (§9, §4.5).
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Includes the flattened Friendli <c>stop_tokens</c>.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Friendli <c>eos_token</c>: extra EOS ids (finish "stop", stop_reason null).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public bool IncludeStopStrInOutput { get; init; }
    public bool IgnoreEos { get; init; }
    public int MinTokens { get; init; }

    /// <summary>Null = the endpoint default (16 for completions, rest of the context for chat, §9.1).</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Completions sent <c>"max_tokens": null</c>: the rest of the context rather than the default 16 (api.md §6.1, aph).</summary>
    public bool MaxTokensExplicitNull { get; init; }

    /// <summary>Friendli bounds on prompt + output, resolved against the prompt length by <see cref="ResolveLengths"/>.</summary>
    public int? MaxTotalTokens { get; init; }
    public int? MinTotalTokens { get; init; }

    // Output shaping (§9.6–9.8, §10).
    /// <summary>Number of top alternatives per generated token; null = no logprobs.</summary>
    public int? Logprobs { get; init; }
    public int? PromptLogprobs { get; init; }
    public bool Detokenize { get; init; } = true;
    public bool SkipSpecialTokens { get; init; } = true;
    public bool SpacesBetweenSpecialTokens { get; init; } = true;

    /// <summary>≥ 1, or −1 for the model's maximum length; null = no truncation.</summary>
    public int? TruncatePromptTokens { get; init; }

    /// <summary>Greedy mode (§3.6): <c>temperature &lt; 1e−5</c>.</summary>
    public bool IsGreedy => Temperature < 1e-5f;

    /// <summary>
    /// False when the choices come out only whole, so a stream can carry only the finished response (§8.4, §8.5):
    /// <c>best_of &gt; n</c> or beam search.
    /// </summary>
    public bool CanStream => BestOf <= N && !UseBeamSearch;

    /// <summary>Dynamic temperature is active when either bound exceeds 1e−5 (§6.2).</summary>
    public bool IsDynatemp => DynatempMin > 1e-5f || DynatempMax > 1e-5f;

    /// <summary>Mirostat v2 drives selection (mode 2 and not greedy, §7.12).</summary>
    public bool IsMirostat => MirostatMode == 2 && !IsGreedy;

    /// <summary>The S4 order this request runs (§3.3, §3.4).</summary>
    public IReadOnlyList<SamplerId> Order => SamplerOrder.Resolve(SamplerPriority, TemperatureLast);

    /// <summary>
    /// The RNG identity of output sequence <paramref name="choice"/> (§8.2): a scalar seed gives
    /// <c>(seed, choice)</c>, a Friendli list gives <c>(seeds[choice], 0)</c>, no seed gives
    /// <c>(serverSeed, choice)</c> with a seed the server drew for the request.
    /// </summary>
    public (long Seed, int Choice) RngIdentity(int choice, long serverSeed) =>
        Seeds.Count > 0 ? (Seeds[choice], 0) : (Seed ?? serverSeed, choice);

    /// <summary>A random 63-bit seed for a request that sent none (§3.8), so every request is replayable from logs.</summary>
    public static long DrawServerSeed() => Random.Shared.NextInt64(0, long.MaxValue);

    /// <summary>
    /// Resolves Friendli's total-length bounds (§9.2), an explicit <c>null</c> and the endpoint default for
    /// <c>max_tokens</c>: returns (max_tokens, min_tokens) for a prompt of <paramref name="promptLength"/> tokens.
    /// </summary>
    public (int MaxTokens, int MinTokens) ResolveLengths(int promptLength, int defaultMaxTokens, int maxModelLen)
    {
        var max = MaxTokens ?? (MaxTokensExplicitNull ? maxModelLen - promptLength : defaultMaxTokens);
        if (MaxTotalTokens is { } total)
        {
            max = total - promptLength;
            if (max < 1)
            {
                throw new SamplingParamsException("max_total_tokens",
                    $"max_total_tokens must exceed the prompt length ({promptLength}), got {total}.");
            }
        }
        var min = MinTotalTokens is { } minTotal ? Math.Max(0, minTotal - promptLength) : MinTokens;
        return (max, min);
    }
}
