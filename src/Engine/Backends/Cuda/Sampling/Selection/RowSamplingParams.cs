using Engine.Sampling;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// One row's sampling parameters as the selection kernels read them (a blittable struct in a device array, one per
/// logits row), with everything the CPU <see cref="SamplerChain"/> decides per request decided here, on the host, by
/// the CPU chain's own predicates: <see cref="Active"/> has bit (1 &lt;&lt; <see cref="SamplerId"/>) set exactly when
/// SamplerChain.RunOne would run that stage, and <see cref="OrderCode"/> is the row's S4 order of active stages.
/// </summary>
public readonly record struct RowSamplingParams
{
    /// <summary>Bit 63 of <see cref="OrderCode"/>: the row is under Mirostat (S4 reduced, then its truncation).</summary>
    public const ulong MirostatBit = 1UL << 63;

    /// <summary>Most active S4 entries a row's order may hold (nibbles below the Mirostat bit); repeats count.</summary>
    public const int MaxStages = 15;

    /// <summary>Bit 62 of <see cref="OrderCode"/>: S6 skew runs after S5.</summary>
    public const ulong SkewBit = 1UL << 62;

    /// <summary>Flag bit of <see cref="Flags"/>: greedy (argmax) selection.</summary>
    public const int GreedyFlag = 1;

    /// <summary>Flag bit of <see cref="Flags"/>: dynamic temperature.</summary>
    public const int DynatempFlag = 2;

    /// <summary>
    /// Flag bit of <see cref="Flags"/>: the row needs S0–S3's constraints (logit_bias, allowed ids, bans, bad words,
    /// min_tokens, a guided mask), which the penalty half of the device chain runs (<see cref="IDeviceLogitStages"/>).
    /// </summary>
    public const int PreStagesFlag = 4;

    /// <summary>Bit (1 &lt;&lt; id) per active S4 stage.</summary>
    public int Active { get; init; }

    public int Flags { get; init; }

    /// <summary>The active S4 stages in the row's order, one nibble (id + 1) each from the lowest, plus <see cref="MirostatBit"/>.</summary>
    public ulong OrderCode { get; init; }

    public float Temperature { get; init; }
    public float DynatempMin { get; init; }
    public float DynatempMax { get; init; }
    public float DynatempExponent { get; init; }
    public int TopK { get; init; }
    public float TopP { get; init; }
    public float TopA { get; init; }
    public float MinP { get; init; }
    public float Tfs { get; init; }
    public float EtaCutoff { get; init; }
    public float EpsilonCutoff { get; init; }
    public float TypicalP { get; init; }
    public float SmoothingFactor { get; init; }
    public float SmoothingCurve { get; init; }
    public float Nsigma { get; init; }
    public float XtcThreshold { get; init; }
    public float XtcProbability { get; init; }
    public float Skew { get; init; }
    public float MirostatMu { get; init; }
    public float MirostatTau { get; init; }
    public float MirostatEta { get; init; }

    /// <summary>The RNG identity of §3.8: (seed, choice, step = tokens generated so far).</summary>
    public long Seed { get; init; }
    public int Choice { get; init; }
    public int Step { get; init; }

    /// <summary>How many top logprobs the row asks for (0: none).</summary>
    public int TopLogprobs { get; init; }

    public bool IsActive(SamplerId id) => (Active & (1 << (int)id)) != 0;

    public bool IsGreedy => (Flags & GreedyFlag) != 0;

    public bool NeedsPreStagesRun => (Flags & PreStagesFlag) != 0;

    public bool IsMirostat => (OrderCode & MirostatBit) != 0;

    /// <summary>
    /// Packs validated <paramref name="p"/> for one sequence at one step. <paramref name="guided"/>: whether the request
    /// has a guided constraint, when the caller knows (null looks it up, which costs a cache lookup per call).
    /// </summary>
    public static RowSamplingParams From(SamplingParams p, long seed, int choice, int step, float mirostatMu, int topLogprobs, bool? guided = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        var active = 0;
        var code = 0UL;
        var nibble = 0;
        foreach (var id in p.Order)
        {
            if (RunsStage(p, id))
            {
                if (nibble == MaxStages)
                {
                    throw new NotSupportedException($"sampler_priority: the device chain runs at most {MaxStages} active stages, this request has more.");
                }
                active |= 1 << (int)id;
                code |= (ulong)((int)id + 1) << (4 * nibble++);
            }
        }
        if (p.IsMirostat)
        {
            code |= MirostatBit;
        }
        else if (Engine.Sampling.Skew.IsActive(p.Skew))
        {
            code |= SkewBit; // S6; SamplerChain.Run returns Mirostat's q before skew
        }
        return new RowSamplingParams
        {
            Active = active,
            Flags = (p.IsGreedy ? GreedyFlag : 0) | (p.IsDynatemp ? DynatempFlag : 0) | (NeedsPreStages(p, step, guided) ? PreStagesFlag : 0),
            OrderCode = code,
            Temperature = p.Temperature,
            DynatempMin = p.DynatempMin,
            DynatempMax = p.DynatempMax,
            DynatempExponent = p.DynatempExponent,
            TopK = TopKTopP.IsTopKActive(p.TopK) ? p.TopK : 0,
            TopP = TopKTopP.IsTopPActive(p.TopP) ? p.TopP : 1f,
            TopA = p.TopA,
            MinP = p.MinP,
            Tfs = p.Tfs,
            EtaCutoff = p.EtaCutoff,
            EpsilonCutoff = p.EpsilonCutoff,
            TypicalP = p.TypicalP,
            SmoothingFactor = p.SmoothingFactor,
            SmoothingCurve = p.SmoothingCurve,
            Nsigma = p.Nsigma,
            XtcThreshold = p.XtcThreshold,
            XtcProbability = p.XtcProbability,
            Skew = p.Skew,
            MirostatMu = mirostatMu,
            MirostatTau = p.MirostatTau,
            MirostatEta = p.MirostatEta,
            Seed = seed,
            Choice = choice,
            Step = step,
            TopLogprobs = topLogprobs,
        };
    }

    // SamplerChain.Run's S1–S3 (S0's sanitising is a no-op on finite logits of the model's full width).
    private static bool NeedsPreStages(SamplingParams p, int step, bool? guided) =>
        p.LogitBias.Count > 0 || p.CustomTokenBans.Count > 0 || p.BadWords.Count > 0 || p.BadWordTokens.Count > 0
        || p.AllowedTokenIds is not null || step < p.MinTokens || (guided ?? Engine.Guided.GuidedConstraint.Compile(p) is not null);

    /// <summary>The stages of <paramref name="code"/> in order.</summary>
    public static int Stages(ulong code, Span<SamplerId> destination)
    {
        var count = 0;
        for (var nibble = 0; nibble < MaxStages; nibble++)
        {
            var value = (int)((code >> (4 * nibble)) & 0xF);
            if (value == 0)
            {
                break;
            }
            destination[count++] = (SamplerId)(value - 1);
        }
        return count;
    }

    // The exact conditions of SamplerChain.Run and RunOne: under Mirostat only DRY, PENALTIES, NO_REPEAT_NGRAM and
    // TEMPERATURE run; greedy skips top-p/top-k, top-a and min-p.
    private static bool RunsStage(SamplingParams p, SamplerId id)
    {
        if (p.IsMirostat && id is not (SamplerId.Dry or SamplerId.Penalties or SamplerId.NoRepeatNgram or SamplerId.Temperature))
        {
            return false;
        }
        var greedy = p.IsGreedy;
        return id switch
        {
            SamplerId.Dry => Dry.IsActive(p),
            SamplerId.Penalties => RepetitionPenalties.IsActive(p),
            SamplerId.NoRepeatNgram => p.NoRepeatNgramSize > 0,
            SamplerId.Temperature => Engine.Sampling.Temperature.IsActive(p),
            SamplerId.TopNSigma => TopNSigma.IsActive(p),
            SamplerId.TopPTopK => !greedy && (TopKTopP.IsTopKActive(p.TopK) || TopKTopP.IsTopPActive(p.TopP)),
            SamplerId.TopA => !greedy && p.TopA > 0f,
            SamplerId.MinP => !greedy && p.MinP > 1e-5f,
            SamplerId.Tfs => TailFree.IsActive(p.Tfs),
            SamplerId.EtaCutoff => p.EtaCutoff > 0f,
            SamplerId.EpsilonCutoff => p.EpsilonCutoff > 0f,
            SamplerId.TypicalP => Engine.Sampling.TypicalP.IsActive(p.TypicalP),
            SamplerId.Quadratic => QuadraticSmoothing.IsActive(p.SmoothingFactor),
            SamplerId.Xtc => Engine.Sampling.Xtc.IsActive(p),
            _ => false,
        };
    }
}
