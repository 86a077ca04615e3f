using Engine.Guided;

namespace Engine.Sampling;

/// <summary>
/// Samples one output sequence: runs the request's <see cref="SamplerChain"/> on each step's logits, then
/// selects (§3.6 greedy argmax, §8.1 categorical draw, §7.12 Mirostat). Randomness comes only from
/// <see cref="SamplingRandom.Uniform"/> at (seed, choice, step = tokens generated so far), so a seeded
/// sequence is reproducible whatever else is in the batch. Holds Mirostat's μ, the only state across steps.
/// </summary>
public sealed class SequenceSampler : ISequenceSampler
{
    /// <summary>Returned when every token was removed (§3.7 rule 2): finish with "stop" and append nothing.</summary>
    public const int NoToken = -1;

    private readonly SamplerChain _chain;
    private readonly SamplerWorkspace _workspace;
    private readonly GuidedSequence? _guided;

    /// <param name="workspace">Scratch to share with sequences sampled on the same thread; null allocates one.</param>
    public SequenceSampler(SamplerChain chain, long seed, int choice, SamplerWorkspace? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        _chain = chain;
        Seed = seed;
        Choice = choice;
        _workspace = workspace ?? new SamplerWorkspace(chain.VocabSize);
        if (_workspace.VocabSize != chain.VocabSize)
        {
            throw new ArgumentException($"Workspace vocabulary {_workspace.VocabSize} differs from the chain's {chain.VocabSize}.", nameof(workspace));
        }
        MirostatMu = 2f * chain.Params.MirostatTau;
        _guided = chain.NewGuidedSequence();
    }

    /// <summary>A sampler for output sequence <paramref name="choice"/> of a request (see <see cref="SamplingParams.RngIdentity"/>).</summary>
    public static SequenceSampler Create(SamplingParams parameters, SamplerSetup setup, long seed, int choice = 0, SamplerWorkspace? workspace = null) =>
        new(new SamplerChain(parameters, setup), seed, choice, workspace);

    public long Seed { get; }

    public int Choice { get; }

    public SamplingParams Params => _chain.Params;

    /// <summary>Mirostat's target surprisal μ (2τ before the first token).</summary>
    public float MirostatMu { get; private set; }

    /// <summary>The request's chain (its precomputed sets, for a device that samples the sequence instead).</summary>
    public SamplerChain Chain => _chain;

    /// <summary>Whether the request has a guided-decoding constraint (then each step has a mask, see <see cref="FillGuidedMask"/>).</summary>
    public bool IsGuided => _guided is not null;

    /// <summary>
    /// For a step sampled elsewhere (the device chain): brings the guided state up to <paramref name="outputTokenIds"/>
    /// and writes its S1 mask as bits (bit i = token i allowed). False, writing nothing, when the request is not guided.
    /// </summary>
    public bool FillGuidedMask(ReadOnlySpan<int> outputTokenIds, Span<uint> words)
    {
        if (_guided is null)
        {
            return false;
        }
        _guided.Sync(outputTokenIds);
        _guided.FillMask(words);
        return true;
    }

    /// <summary>Takes Mirostat's μ after a step sampled elsewhere (the device chain updates it with the same formula).</summary>
    public void AcceptMirostatMu(float mu) => MirostatMu = mu;

    /// <summary>The final distribution of the last processed step (valid until the workspace is reused).</summary>
    public ReadOnlySpan<float> FinalDistribution => _workspace.Probs;

    /// <inheritdoc />
    public int Sample(Span<float> logits, ReadOnlySpan<int> promptTokenIds, ReadOnlySpan<int> outputTokenIds) =>
        SampleWithLogprobs(logits, promptTokenIds, outputTokenIds, []).TokenId;

    /// <summary>
    /// Samples and reports the chosen token's log-probability under the final distribution plus the
    /// <c>top.Length</c> best alternatives (§10; under Mirostat, its q).
    /// </summary>
    public SampleResult SampleWithLogprobs(Span<float> logits, ReadOnlySpan<int> promptTokenIds, ReadOnlySpan<int> outputTokenIds,
        Span<TokenLogprob> top) =>
        SampleWithLogprobs(logits, promptTokenIds, outputTokenIds, top, _workspace);

    // The same with the scratch of the thread that samples (one workspace per parallel worker); the result does not
    // depend on which workspace, only FinalDistribution reads the sampler's own.
    internal SampleResult SampleWithLogprobs(Span<float> logits, ReadOnlySpan<int> promptTokenIds, ReadOnlySpan<int> outputTokenIds,
        Span<TokenLogprob> top, SamplerWorkspace workspace)
    {
        CheckWidth(logits);
        var step = outputTokenIds.Length;
        _guided?.Sync(outputTokenIds);
        if (!_chain.Run(logits, promptTokenIds, outputTokenIds, Seed, Choice, MirostatMu, workspace, _guided))
        {
            var filled = TokenLogprobs.Top(workspace.Probs, top, workspace);
            return new SampleResult(NoToken, TokenLogprobs.Removed, filled);
        }
        var probs = workspace.Probs;
        var p = _chain.Params;
        var token = p.IsGreedy
            ? Probabilities.ArgMax(probs)
            : CategoricalDraw.Draw(logits, probs, SamplingRandom.Uniform(Seed, Choice, step, SamplingRandom.DrawPurpose), workspace);
        if (p.IsMirostat)
        {
            MirostatMu = Mirostat.Update(MirostatMu, probs[token], p.MirostatTau, p.MirostatEta);
        }
        var logprob = TokenLogprobs.Of(probs[token]);
        var count = TokenLogprobs.Top(probs, top, workspace);
        return new SampleResult(token, logprob, count);
    }

    /// <summary>
    /// Runs S0–S6 only (no selection, no Mirostat update) and copies the final distribution into
    /// <paramref name="probs"/>. Returns false when every token was removed (then <paramref name="probs"/> is all zeros).
    /// </summary>
    public bool ProcessDistribution(Span<float> logits, ReadOnlySpan<int> promptTokenIds, ReadOnlySpan<int> outputTokenIds, Span<float> probs)
    {
        CheckWidth(logits);
        _guided?.Sync(outputTokenIds);
        var alive = _chain.Run(logits, promptTokenIds, outputTokenIds, Seed, Choice, MirostatMu, _workspace, _guided);
        _workspace.Probs.AsSpan().CopyTo(probs);
        return alive;
    }

    private void CheckWidth(Span<float> logits)
    {
        if (logits.Length != _chain.VocabSize)
        {
            throw new ArgumentException($"Expected a logit row of {_chain.VocabSize} entries, got {logits.Length}.", nameof(logits));
        }
    }
}
