namespace Engine.Guided;

/// <summary>
/// The guided-decoding state of one output sequence (each of n / best_of owns one): a <see cref="GrammarMatcher"/>
/// advanced over the sequence's accepted tokens, and the S1 mask it implies. The sampler hands it the output
/// tokens every step; tokens appended since the last step are consumed, and a history that no longer extends the
/// consumed one (a beam that forked) replays from the start.
/// </summary>
/// <remarks>
/// Dead end (no token can continue the output and it is not complete — only possible when the vocabulary
/// cannot spell what the constraint requires, or an ambiguous grammar exceeds the stack bound): the mask removes
/// every token, so the sequence finishes through §3.7 rule 2 (<c>finish_reason = "stop"</c>, nothing appended,
/// a warning logged) rather than sampling text outside the language. Unlike vLLM, which forces EOS there, the
/// output is then visibly incomplete instead of silently truncated valid-looking text.
/// </remarks>
public sealed class GuidedSequence
{
    private readonly GrammarMatcher _matcher;
    private readonly GuidedVocabulary _vocabulary;
    private readonly int[] _eos;
    private readonly ulong[] _allowed;
    private int[] _consumed = new int[64];
    private int _consumedCount;

    /// <param name="eosTokenIds">Ids that end the output: alive exactly when the output is a complete sentence.</param>
    public GuidedSequence(GuidedConstraint constraint, GuidedVocabulary vocabulary, IReadOnlyList<int> eosTokenIds)
    {
        ArgumentNullException.ThrowIfNull(constraint);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(eosTokenIds);
        _matcher = new GrammarMatcher(constraint.Grammar);
        _vocabulary = vocabulary;
        _eos = [.. eosTokenIds.Distinct()];
        _allowed = new ulong[(vocabulary.Size + 63) / 64];
    }

    /// <summary>The consumed output is a complete sentence of the constraint.</summary>
    public bool IsComplete => _matcher.IsComplete;

    /// <summary>No token (and no EOS) can follow the consumed output.</summary>
    public bool IsDead => _matcher.IsDead;

    /// <summary>Brings the matcher up to <paramref name="outputTokenIds"/> (the sequence's generated tokens so far).</summary>
    public void Sync(ReadOnlySpan<int> outputTokenIds)
    {
        if (outputTokenIds.Length < _consumedCount || !outputTokenIds[.._consumedCount].SequenceEqual(_consumed.AsSpan(0, _consumedCount)))
        {
            _matcher.Reset();
            _consumedCount = 0;
        }
        for (var i = _consumedCount; i < outputTokenIds.Length; i++)
        {
            Accept(outputTokenIds[i]);
        }
    }

    /// <summary>Consumes one accepted token; EOS ids consume nothing (they end the output).</summary>
    public void Accept(int tokenId)
    {
        if (_consumedCount == _consumed.Length)
        {
            Array.Resize(ref _consumed, _consumed.Length * 2);
        }
        _consumed[_consumedCount++] = tokenId;
        if (Array.IndexOf(_eos, tokenId) >= 0)
        {
            return;
        }
        var bytes = (uint)tokenId < (uint)_vocabulary.Size ? _vocabulary.TokenBytes[tokenId] : null;
        if (bytes is null)
        {
            _matcher.Advance([0xFF]); // a token with no text never belongs to the language: the state dies
            return;
        }
        _matcher.Advance(bytes);
    }

    /// <summary>
    /// Stage S1's guided mask (samplers.md §4.1): every token whose bytes would leave the language gets −∞; EOS
    /// ids stay alive only when the output is complete. Ids beyond the tokenizer's vocabulary are removed.
    /// </summary>
    public void ApplyMask(Span<float> logits)
    {
        FillAllowed();
        var n = Math.Min(logits.Length, _vocabulary.Size);
        for (var w = 0; w * 64 < n; w++)
        {
            var bits = _allowed[w];
            if (bits == ulong.MaxValue)
            {
                continue;
            }
            var end = Math.Min(n, (w + 1) * 64);
            for (var i = w * 64; i < end; i++)
            {
                if (((bits >> (i & 63)) & 1) == 0)
                {
                    logits[i] = float.NegativeInfinity;
                }
            }
        }
        if (logits.Length > n)
        {
            logits[n..].Fill(float.NegativeInfinity);
        }
    }

    /// <summary>
    /// The same mask as bits for a device to apply: bit i of <paramref name="words"/>[i / 32] is 1 exactly where
    /// <see cref="ApplyMask"/> keeps token i (0 past the tokenizer's vocabulary).
    /// </summary>
    public void FillMask(Span<uint> words)
    {
        FillAllowed();
        words.Clear();
        var n = Math.Min(words.Length * 32, _vocabulary.Size);
        for (var w = 0; w * 32 < n; w++)
        {
            var bits = (uint)(_allowed[w >> 1] >> (32 * (w & 1)));
            var valid = n - (w * 32);
            words[w] = valid >= 32 ? bits : bits & ((1u << valid) - 1);
        }
    }

    // The allowed bits of the consumed output, EOS alive exactly when it is complete.
    private void FillAllowed()
    {
        _matcher.FillAllowed(_vocabulary, _allowed);
        var complete = _matcher.IsComplete;
        foreach (var id in _eos)
        {
            if ((uint)id < (uint)_vocabulary.Size)
            {
                if (complete)
                {
                    _allowed[id >> 6] |= 1UL << (id & 63);
                }
                else
                {
                    _allowed[id >> 6] &= ~(1UL << (id & 63));
                }
            }
        }
    }
}
