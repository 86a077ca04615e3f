using Engine.Sampling;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// The device half of the sampler chain before its order-dependent samplers: per-slot token statistics and
/// histories, and the launches of stages S0–S3 and of the S4 samplers DRY, PENALTIES and NO_REPEAT_NGRAM on logits
/// that stay on the device. The chain driver's contract, per step, on one stream:
/// <list type="number">
/// <item><see cref="BeginRequest"/> once when a sequence enters a slot (uploads its prompt once and counts it there).</item>
/// <item><see cref="BeginStep"/> with the step's row → slot map (logits row r belongs to slot slotOfRow[r]).</item>
/// <item>optionally <see cref="GuidedMask"/> per guided row: fill the returned W words (bit 1 = allowed).</item>
/// <item><see cref="ApplyPreStages"/>: S0 sanitise, S1 guided mask, allowed_token_ids, logit_bias, bad_words, S2
/// min_tokens stop-set ban, S3 custom_token_bans, bit-equal to the CPU chain's.</item>
/// <item>S4 in each row's own order: <see cref="ApplyDry"/>, <see cref="ApplyPenalties"/> and
/// <see cref="ApplyNoRepeatNgram"/> are separate launches the driver puts at the positions of ids 7, 6 and 8, between
/// its own samplers. Each touches only rows whose request has the stage active; a rowEnabled view (rows ints,
/// 0 = skip) restricts a launch further, for batches whose rows order S4 differently (or Mirostat rules).</item>
/// <item>after the draw, <see cref="Append(AcceleratorStream, ArrayView{int})"/> with each row's token (negative = none).</item>
/// </list>
/// Output lengths live on the device (Append counts them), so min_tokens and the histories need no host state.
/// A history holds at most its capacity (give it the model's context length); a longer one is cut off.
/// </summary>
public sealed class DevicePenalties : IDisposable
{
    private readonly KernelContext _context;
    private readonly MemoryBuffer1D<PenaltySlot, Stride1D.Dense> _slots;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _lengths;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _history;
    private readonly MemoryBuffer1D<uint, Stride1D.Dense> _promptBits;
    private readonly MemoryBuffer1D<ushort, Stride1D.Dense> _outputCounts;
    private readonly MemoryBuffer1D<uint, Stride1D.Dense> _allowBits;
    private readonly MemoryBuffer1D<uint, Stride1D.Dense> _banBits;
    private readonly MemoryBuffer1D<uint, Stride1D.Dense> _stopBits;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _biasIds;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _biasValues;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _badWords;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _breakers;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _dryPenalties;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _dryMatch;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _slotOfRow;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _ones;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _guidedRows;
    private readonly MemoryBuffer1D<uint, Stride1D.Dense> _guidedBits;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _sampled;

    // Host staging, allocated once (a request or a step allocates nothing).
    private readonly PenaltySlot[] _slotStaging = new PenaltySlot[1];
    private readonly uint[] _bitStaging;
    private readonly int[] _intStaging;
    private readonly float[] _floatStaging;
    private readonly int[] _rowSlots;
    private readonly int[] _rowGuided;
    private readonly uint[] _rowGuidedBits;
    private readonly bool[] _begun;
    private readonly bool[] _slotSeen;
    private int _rows = -1;

    /// <param name="context">The accelerator the logits live on.</param>
    /// <param name="slots">Sequence slots (the largest batch: rows per step ≤ slots).</param>
    /// <param name="vocab">V, the logit row width.</param>
    /// <param name="historyCapacity">Tokens of prompt + output per slot (the model's context length).</param>
    /// <param name="biasCapacity">Most logit_bias entries per request.</param>
    /// <param name="badWordCapacity">Most ints per request for its multi-token bad words (one offset + the tokens per word, + 1).</param>
    /// <param name="breakerCapacity">Most DRY breaker ids per request.</param>
    /// <param name="dryTableLength">
    /// DRY penalties precomputed per request: the exponent m − dry_allowed_length is at most
    /// min(dry_max_ngram, history − 1) + 1 − dry_allowed_length, so the default covers dry_max_ngram up to 62 + allowed.
    /// </param>
    public DevicePenalties(KernelContext context, int slots, int vocab, int historyCapacity,
        int biasCapacity = 1024, int badWordCapacity = 1024, int breakerCapacity = 64, int dryTableLength = 64)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocab, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(historyCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(biasCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(badWordCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(breakerCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dryTableLength, 1);
        _context = context;
        SlotCount = slots;
        Vocab = vocab;
        Words = (vocab + 31) / 32;
        HistoryCapacity = historyCapacity;
        BiasCapacity = biasCapacity;
        BadWordCapacity = badWordCapacity;
        BreakerCapacity = breakerCapacity;
        DryTableLength = dryTableLength;
        var a = context.Accelerator;
        _slots = a.Allocate1D<PenaltySlot>(slots);
        _lengths = a.Allocate1D<int>(slots * 2L);
        _history = a.Allocate1D<int>((long)slots * historyCapacity);
        _promptBits = a.Allocate1D<uint>((long)slots * Words);
        _outputCounts = a.Allocate1D<ushort>((long)slots * vocab);
        _allowBits = a.Allocate1D<uint>((long)slots * Words);
        _banBits = a.Allocate1D<uint>((long)slots * Words);
        _stopBits = a.Allocate1D<uint>((long)slots * Words);
        _biasIds = a.Allocate1D<int>((long)slots * biasCapacity);
        _biasValues = a.Allocate1D<float>((long)slots * biasCapacity);
        _badWords = a.Allocate1D<int>((long)slots * badWordCapacity);
        _breakers = a.Allocate1D<int>((long)slots * breakerCapacity);
        _dryPenalties = a.Allocate1D<float>((long)slots * DryTableLength);
        _dryMatch = a.Allocate1D<int>((long)slots * vocab);
        _slotOfRow = a.Allocate1D<int>(slots);
        _ones = a.Allocate1D<int>(slots);
        _guidedRows = a.Allocate1D<int>(slots);
        _guidedBits = a.Allocate1D<uint>((long)slots * Words);
        _sampled = a.Allocate1D<int>(slots);
        _dryMatch.MemSetToZero(); // the DRY kernel leaves it all-zero after every launch
        _slots.MemSetToZero();
        _lengths.MemSetToZero();
        _slotOfRow.MemSetToZero();
        _guidedRows.MemSetToZero();
        _ones.CopyFromCPU(Enumerable.Repeat(1, slots).ToArray());
        _bitStaging = new uint[Words];
        _intStaging = new int[Math.Max(Math.Max(biasCapacity, badWordCapacity), Math.Max(breakerCapacity, historyCapacity))];
        _floatStaging = new float[Math.Max(biasCapacity, DryTableLength)];
        _rowSlots = new int[slots];
        _rowGuided = new int[slots];
        _rowGuidedBits = new uint[(long)slots * Words];
        _begun = new bool[slots];
        _slotSeen = new bool[slots];
    }

    public int SlotCount { get; }

    public int Vocab { get; }

    /// <summary>W = ⌈V / 32⌉, the uint words of one token bit row.</summary>
    public int Words { get; }

    public int HistoryCapacity { get; }

    public int BiasCapacity { get; }

    public int BadWordCapacity { get; }

    public int BreakerCapacity { get; }

    public int DryTableLength { get; }

    /// <summary>The device tables as the kernels see them.</summary>
    public PenaltyTables Tables => new(Vocab, Words, HistoryCapacity, BiasCapacity, BadWordCapacity, BreakerCapacity, DryTableLength,
        _slots.View, _lengths.View, _history.View, _promptBits.View, _outputCounts.View, _allowBits.View, _banBits.View,
        _stopBits.View, _biasIds.View, _biasValues.View, _badWords.View, _breakers.View, _dryPenalties.View, _dryMatch.View);

    /// <summary>
    /// Puts a request's sequence into <paramref name="slot"/>: its parameters, allow/ban/stop bits, bias, bad-word and
    /// breaker lists and DRY penalty table; its prompt into the slot's history, counted on the device; output counts
    /// and length zero. Throws <see cref="ArgumentException"/> naming the field when a list exceeds this instance's
    /// capacity or holds an id outside [0, V) (the driver then samples that request on the CPU).
    /// </summary>
    public void BeginRequest(AcceleratorStream stream, int slot, ReadOnlySpan<int> prompt, PenaltyRequest request)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(request);
        CheckSlot(slot);
        if (prompt.Length > HistoryCapacity)
        {
            throw new ArgumentException($"DevicePenalties: a prompt of {prompt.Length} tokens exceeds the history capacity {HistoryCapacity}.", nameof(prompt));
        }
        var p = request.Params;
        var bias = p.LogitBias;
        if (bias.Count > BiasCapacity)
        {
            throw new ArgumentException($"logit_bias: {bias.Count} entries exceed the device capacity {BiasCapacity}.", nameof(request));
        }
        // DRY's largest reachable exponent (m ≤ C + 1, C ≤ min(dry_max_ngram, |h| − 1)) must be in the table.
        var dryExponent = Math.Min(p.DryMaxNgram, HistoryCapacity - 1) + 1 - p.DryAllowedLength;
        if (Dry.IsActive(p) && dryExponent >= DryTableLength)
        {
            throw new ArgumentException(
                $"dry_max_ngram: {p.DryMaxNgram} with dry_allowed_length {p.DryAllowedLength} reaches penalty exponent {dryExponent}, past the device table of {DryTableLength}.", nameof(request));
        }
        var breakerCount = UploadBreakers(stream, slot, request.Breakers);
        var badWordCount = UploadBadWords(stream, slot, request.BadWords);

        var allowed = p.AllowedTokenIds;
        FillBits(allowed ?? [], "allowed_token_ids");
        Row(_allowBits, slot, Words).CopyFromCPU(stream, _bitStaging.AsSpan());
        FillBits(p.CustomTokenBans, "custom_token_bans");
        foreach (var word in request.BadWords)
        {
            if (word.Count == 1)
            {
                SetBit(word[0], "bad_words");
            }
        }
        Row(_banBits, slot, Words).CopyFromCPU(stream, _bitStaging.AsSpan());
        FillBits(request.StopSet, "stop_token_ids");
        Row(_stopBits, slot, Words).CopyFromCPU(stream, _bitStaging.AsSpan());

        var k = 0;
        foreach (var (id, value) in bias)
        {
            CheckToken(id, "logit_bias");
            _intStaging[k] = id;
            _floatStaging[k] = value;
            k++;
        }
        Row(_biasIds, slot, BiasCapacity).SubView(0, k).CopyFromCPU(stream, _intStaging.AsSpan(0, k));
        Row(_biasValues, slot, BiasCapacity).SubView(0, k).CopyFromCPU(stream, _floatStaging.AsSpan(0, k));

        for (var j = 0; j < DryTableLength; j++)
        {
            // Dry.Apply's (float)(multiplier · Math.Pow(base, m − allowed)) for m − allowed = j.
            _floatStaging[j] = (float)(p.DryMultiplier * Math.Pow(p.DryBase, j));
        }
        Row(_dryPenalties, slot, DryTableLength).CopyFromCPU(stream, _floatStaging.AsSpan(0, DryTableLength));

        _slotStaging[0] = SlotOf(request, bias.Count, badWordCount, breakerCount);
        _slots.View.SubView(slot, 1).CopyFromCPU(stream, _slotStaging.AsSpan());
        _intStaging[0] = prompt.Length;
        _intStaging[1] = 0;
        _lengths.View.SubView(slot * 2L, 2).CopyFromCPU(stream, _intStaging.AsSpan(0, 2));
        Row(_outputCounts, slot, Vocab).MemSetToZero(stream);
        Row(_promptBits, slot, Words).MemSetToZero(stream);
        if (prompt.Length > 0)
        {
            Row(_history, slot, HistoryCapacity).SubView(0, prompt.Length).CopyFromCPU(stream, prompt);
            _context.Load(TokenCounts.CountPromptEntry)(stream, RowShapes.OneThreadPerElement(prompt.Length), Tables, slot, prompt.Length);
        }
        _begun[slot] = true;
    }

    /// <summary>Starts a step: logits row r belongs to <paramref name="slotOfRow"/>[r] (distinct slots that began a request); no row is guided yet.</summary>
    public void BeginStep(AcceleratorStream stream, ReadOnlySpan<int> slotOfRow)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (slotOfRow.Length > SlotCount)
        {
            throw new ArgumentException($"DevicePenalties: {slotOfRow.Length} rows exceed the {SlotCount} slots.", nameof(slotOfRow));
        }
        Array.Clear(_slotSeen);
        for (var r = 0; r < slotOfRow.Length; r++)
        {
            var slot = slotOfRow[r];
            CheckSlot(slot);
            if (!_begun[slot] || _slotSeen[slot])
            {
                throw new ArgumentException($"DevicePenalties: row {r} maps to slot {slot}, which {(_begun[slot] ? "another row already uses" : "has no request")}.", nameof(slotOfRow));
            }
            _slotSeen[slot] = true;
        }
        slotOfRow.CopyTo(_rowSlots);
        Array.Clear(_rowGuided);
        _rows = slotOfRow.Length;
        if (_rows > 0)
        {
            _slotOfRow.View.SubView(0, _rows).CopyFromCPU(stream, slotOfRow);
        }
    }

    /// <summary>
    /// Marks <paramref name="row"/> of this step as guided and returns its W host words to fill with the step's
    /// mask (bit i = token i allowed; ids past the guided vocabulary 0, as GuidedSequence.ApplyMask removes them).
    /// Uploaded by <see cref="ApplyPreStages"/>.
    /// </summary>
    public Span<uint> GuidedMask(int row)
    {
        CheckRow(row);
        _rowGuided[row] = 1;
        return _rowGuidedBits.AsSpan(row * Words, Words);
    }

    /// <summary>
    /// Stages S0–S3 on the step's rows of <paramref name="logits"/> ((rows, V) row-major, in place), equal bit for bit
    /// to SamplerChain.Run's prefix (Sanitise, guided mask, KeepOnly, AddBias + Saturate, BanWords, the min_tokens
    /// stop-set ban, custom bans): one elementwise launch and one group-per-row launch for the sparse lists.
    /// </summary>
    public void ApplyPreStages(AcceleratorStream stream, ArrayView<float> logits)
    {
        var rows = CheckLogits(stream, logits);
        if (rows == 0)
        {
            return;
        }
        _guidedRows.View.SubView(0, rows).CopyFromCPU(stream, _rowGuided.AsSpan(0, rows));
        if (Array.IndexOf(_rowGuided, 1, 0, rows) >= 0)
        {
            _guidedBits.View.SubView(0, (long)rows * Words).CopyFromCPU(stream, _rowGuidedBits.AsSpan(0, rows * Words));
        }
        var step = Step(default);
        _context.Load(LogitMask.Entry)(stream, RowShapes.OneThreadPerElement((long)rows * Vocab), Tables, step, logits);
        _context.Load(SparseConstraints.Entry)(stream, new KernelConfig(rows, RowShapes.GroupSize), Tables, step, logits);
    }

    /// <summary>PENALTIES (id 6): repetition, frequency, presence from the slot's counts, then saturation, as RepetitionPenalties.Apply + Saturate.</summary>
    /// <param name="rowEnabled">(rows) 0 skips a row; default = every row.</param>
    public void ApplyPenalties(AcceleratorStream stream, ArrayView<float> logits, ArrayView<int> rowEnabled = default)
    {
        var rows = CheckLogits(stream, logits);
        if (rows > 0)
        {
            _context.Load(RepetitionPenaltyKernel.Entry)(stream, RowShapes.OneThreadPerElement((long)rows * Vocab), Tables, Step(rowEnabled), logits);
        }
    }

    /// <summary>DRY (id 7) from the slot's history, as Dry.Apply + Saturate.</summary>
    /// <param name="rowEnabled">(rows) 0 skips a row; default = every row.</param>
    public void ApplyDry(AcceleratorStream stream, ArrayView<float> logits, ArrayView<int> rowEnabled = default)
    {
        var rows = CheckLogits(stream, logits);
        if (rows > 0)
        {
            _context.Load(DryKernel.Entry)(stream, new KernelConfig(rows, DryKernel.GroupSize), Tables, Step(rowEnabled), logits);
        }
    }

    /// <summary>NO_REPEAT_NGRAM (id 8) from the slot's history, as NoRepeatNgram.Apply.</summary>
    /// <param name="rowEnabled">(rows) 0 skips a row; default = every row.</param>
    public void ApplyNoRepeatNgram(AcceleratorStream stream, ArrayView<float> logits, ArrayView<int> rowEnabled = default)
    {
        var rows = CheckLogits(stream, logits);
        if (rows > 0)
        {
            _context.Load(NoRepeatNgramKernel.Entry)(stream, new KernelConfig(rows, RowShapes.GroupSize), Tables, Step(rowEnabled), logits);
        }
    }

    /// <summary>Appends each row's sampled token (device ids, one per row of the step; negative = none) to its slot's history and counts.</summary>
    public void Append(AcceleratorStream stream, ArrayView<int> sampled)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var rows = StepRows();
        if (sampled.Length < rows)
        {
            throw new ArgumentException($"DevicePenalties.Append: {sampled.Length} ids for {rows} rows.", nameof(sampled));
        }
        if (rows > 0)
        {
            _context.Load(TokenCounts.AppendEntry)(stream, RowShapes.OneThreadPerElement(rows), Tables, Step(default), sampled);
        }
    }

    /// <summary>Appends host ids (the CPU draw's, or tests'): uploaded, then as <see cref="Append(AcceleratorStream, ArrayView{int})"/>.</summary>
    public void Append(AcceleratorStream stream, ReadOnlySpan<int> sampled)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var rows = StepRows();
        if (sampled.Length != rows)
        {
            throw new ArgumentException($"DevicePenalties.Append: {sampled.Length} ids for {rows} rows.", nameof(sampled));
        }
        if (rows > 0)
        {
            _sampled.View.SubView(0, rows).CopyFromCPU(stream, sampled);
            Append(stream, _sampled.View);
        }
    }

    /// <summary>
    /// Replays histories of equal length into <paramref name="slots"/> (row r's history into slots[r]) one token
    /// per step, as the sequences' own steps would append them (BeginStep, then Append), and begins the step that
    /// samples after them. For probes and benchmarks that need a sequence's state without running its steps.
    /// </summary>
    public void ReplayHistories(AcceleratorStream stream, ReadOnlySpan<int> slots, IReadOnlyList<int[]> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        if (histories.Count != slots.Length || histories.Any(h => h.Length != histories[0].Length))
        {
            throw new ArgumentException($"DevicePenalties.ReplayHistories: {histories.Count} histories of unequal or mismatched length for {slots.Length} slots.", nameof(histories));
        }
        var tokens = new int[slots.Length];
        for (var t = 0; slots.Length > 0 && t < histories[0].Length; t++)
        {
            BeginStep(stream, slots);
            for (var r = 0; r < tokens.Length; r++)
            {
                tokens[r] = histories[r][t];
            }
            Append(stream, tokens);
        }
        BeginStep(stream, slots);
    }

    public void Dispose()
    {
        _slots.Dispose();
        _lengths.Dispose();
        _history.Dispose();
        _promptBits.Dispose();
        _outputCounts.Dispose();
        _allowBits.Dispose();
        _banBits.Dispose();
        _stopBits.Dispose();
        _biasIds.Dispose();
        _biasValues.Dispose();
        _badWords.Dispose();
        _breakers.Dispose();
        _dryPenalties.Dispose();
        _dryMatch.Dispose();
        _slotOfRow.Dispose();
        _ones.Dispose();
        _guidedRows.Dispose();
        _guidedBits.Dispose();
        _sampled.Dispose();
    }

    private static PenaltySlot SlotOf(PenaltyRequest request, int biasCount, int badWordCount, int breakerCount)
    {
        var p = request.Params;
        var repetition = Math.Abs(p.RepetitionPenalty - 1f) >= 1e-5f;
        return new PenaltySlot(
            TokenizerVocabSize: request.TokenizerVocabSize,
            HasAllowed: p.AllowedTokenIds is { Count: > 0 } ? 1 : 0,
            MinTokens: p.MinTokens,
            BiasCount: biasCount,
            BadWordCount: badWordCount,
            PenaltiesActive: RepetitionPenalties.IsActive(p) ? 1 : 0,
            RepetitionActive: repetition ? 1 : 0,
            RepetitionPenalty: p.RepetitionPenalty,
            FrequencyPenalty: Math.Abs(p.FrequencyPenalty) >= 1e-5f ? p.FrequencyPenalty : 0f,
            PresencePenalty: Math.Abs(p.PresencePenalty) >= 1e-5f ? p.PresencePenalty : 0f,
            NoRepeatNgramSize: p.NoRepeatNgramSize,
            DryActive: Dry.IsActive(p) ? 1 : 0,
            DryAllowedLength: p.DryAllowedLength,
            DryRange: p.DryRange,
            DryMaxNgram: p.DryMaxNgram,
            DryMaxOccurrences: p.DryMaxOccurrences,
            DryEarlyExitMatchLength: p.DryEarlyExitMatchLen,
            BreakerCount: breakerCount);
    }

    private int UploadBreakers(AcceleratorStream stream, int slot, IReadOnlyList<int> breakers)
    {
        if (breakers.Count > BreakerCapacity)
        {
            throw new ArgumentException($"dry_sequence_breakers: {breakers.Count} ids exceed the device capacity {BreakerCapacity}.", nameof(breakers));
        }
        for (var i = 0; i < breakers.Count; i++)
        {
            _intStaging[i] = breakers[i];
        }
        // Sorted and distinct, for the kernel's binary search (the CPU keeps them the same way).
        Array.Sort(_intStaging, 0, breakers.Count);
        var n = 0;
        for (var i = 0; i < breakers.Count; i++)
        {
            if (n == 0 || _intStaging[i] != _intStaging[n - 1])
            {
                _intStaging[n++] = _intStaging[i];
            }
        }
        Row(_breakers, slot, BreakerCapacity).SubView(0, n).CopyFromCPU(stream, _intStaging.AsSpan(0, n));
        return n;
    }

    /// <summary>Multi-token words as [offsets (count + 1, relative to the row), tokens]; one-token words go to the ban bits.</summary>
    private int UploadBadWords(AcceleratorStream stream, int slot, IReadOnlyList<IReadOnlyList<int>> words)
    {
        var count = 0;
        var tokens = 0;
        foreach (var w in words)
        {
            if (w.Count == 0)
            {
                throw new ArgumentException("bad_words: an empty word.", nameof(words));
            }
            foreach (var t in w)
            {
                CheckToken(t, "bad_words");
            }
            if (w.Count > 1)
            {
                count++;
                tokens += w.Count;
            }
        }
        if (count + 1 + tokens > BadWordCapacity)
        {
            throw new ArgumentException($"bad_words: {count} multi-token words need {count + 1 + tokens} ints, over the device capacity {BadWordCapacity}.", nameof(words));
        }
        var offset = count + 1;
        var k = 0;
        foreach (var w in words)
        {
            if (w.Count < 2)
            {
                continue;
            }
            _intStaging[k++] = offset;
            for (var i = 0; i < w.Count; i++)
            {
                _intStaging[offset + i] = w[i];
            }
            offset += w.Count;
        }
        _intStaging[k] = offset;
        Row(_badWords, slot, BadWordCapacity).SubView(0, offset).CopyFromCPU(stream, _intStaging.AsSpan(0, offset));
        return count;
    }

    private void FillBits(IReadOnlyList<int> ids, string field)
    {
        Array.Clear(_bitStaging);
        foreach (var id in ids)
        {
            SetBit(id, field);
        }
    }

    private void SetBit(int id, string field)
    {
        CheckToken(id, field);
        _bitStaging[id >> 5] |= 1u << (id & 31);
    }

    private void CheckToken(int id, string field)
    {
        if ((uint)id >= (uint)Vocab)
        {
            throw new ArgumentException($"{field}: token id {id} is outside [0, {Vocab}).", field);
        }
    }

    private void CheckSlot(int slot)
    {
        if ((uint)slot >= (uint)SlotCount)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"DevicePenalties has slots 0..{SlotCount - 1}.");
        }
    }

    private void CheckRow(int row)
    {
        if ((uint)row >= (uint)StepRows())
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"This step has {_rows} rows.");
        }
    }

    private int StepRows() => _rows >= 0 ? _rows : throw new InvalidOperationException("DevicePenalties: call BeginStep first.");

    private int CheckLogits(AcceleratorStream stream, ArrayView<float> logits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var rows = StepRows();
        if (logits.Length < (long)rows * Vocab)
        {
            throw new ArgumentException($"DevicePenalties: logits hold {logits.Length} floats, {rows} rows of {Vocab} need {(long)rows * Vocab}.", nameof(logits));
        }
        return rows;
    }

    private PenaltyStep Step(ArrayView<int> rowEnabled)
    {
        if (rowEnabled.Length != 0 && rowEnabled.Length < _rows)
        {
            throw new ArgumentException($"DevicePenalties: rowEnabled holds {rowEnabled.Length} flags for {_rows} rows.", nameof(rowEnabled));
        }
        return new PenaltyStep(_rows, _slotOfRow.View, rowEnabled.Length == 0 ? _ones.View : rowEnabled, _guidedRows.View, _guidedBits.View);
    }

    private static ArrayView<T> Row<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer, int slot, int width)
        where T : unmanaged => buffer.View.SubView((long)slot * width, width);
}
