using Engine.Backends.Cuda.Sampling.Penalties;
using Engine.Backends.Cuda.Sampling.Selection;
using Engine.Sampling;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Sampling;

/// <summary>
/// The CUDA backend's <see cref="IDeviceSampler"/>: <see cref="DevicePenalties"/> (per-slot counts and histories,
/// S0–S3, DRY, PENALTIES, NO_REPEAT_NGRAM) joined to <see cref="DeviceSamplerChain"/> (S4's order groups, S5, the
/// draw, logprobs) through <see cref="PenaltyStages"/>, on the backend's stream after its forward. A step queues its
/// launches behind the classifier and waits once, for the tokens; nothing is allocated per step.
/// </summary>
internal sealed class CudaDeviceSampler : IDeviceSampler
{
    private readonly AcceleratorStream _stream;
    private readonly Action _synchronized;
    private readonly DevicePenalties _penalties;
    private readonly PenaltyStages _stages;
    private readonly DeviceSamplerChain _chain;
    // Per slot, the row packed once at BeginSequence: before min_tokens is reached (S2's stop-set ban) and after.
    private readonly RowSamplingParams[] _early;
    private readonly RowSamplingParams[] _late;
    private readonly int[] _minTokens;
    private readonly int[] _slotOfRow;
    private readonly RowSamplingParams[] _packed;
    private readonly SampledToken[] _tokens;
    private readonly int[] _ids;
    private readonly int[] _topIds;
    private readonly float[] _topLogprobs;
    private readonly int[] _topCount;
    private int _rows;

    /// <param name="synchronized">Called after each wait on <paramref name="stream"/> (the backend's staging may then be reused).</param>
    public CudaDeviceSampler(KernelContext context, AcceleratorStream stream, Action synchronized, int slots, int vocab, int historyCapacity)
    {
        _stream = stream;
        _synchronized = synchronized;
        _penalties = new DevicePenalties(context, slots, vocab, historyCapacity);
        _stages = new PenaltyStages(context, _penalties);
        _chain = new DeviceSamplerChain(context, slots, vocab) { LogitStages = _stages };
        Slots = slots;
        _early = new RowSamplingParams[slots];
        _late = new RowSamplingParams[slots];
        _minTokens = new int[slots];
        _slotOfRow = new int[slots];
        _packed = new RowSamplingParams[slots];
        _tokens = new SampledToken[slots];
        _ids = new int[slots];
        _topIds = new int[slots * TopLogprobsKernel.MaxTop];
        _topLogprobs = new float[slots * TopLogprobsKernel.MaxTop];
        _topCount = new int[slots];
    }

    public int Slots { get; }

    public int MaxTopLogprobs => TopLogprobsKernel.MaxTop;

    public void BeginSequence(int slot, ReadOnlySpan<int> prompt, SequenceSampler sampler, int topLogprobs)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (topLogprobs > MaxTopLogprobs)
        {
            throw new NotSupportedException($"logprobs: {topLogprobs} top logprobs exceed the device's {MaxTopLogprobs}.");
        }
        // Packing throws NotSupportedException for an order the device cannot hold (more than MaxStages active stages).
        // A step changes only Step, μ and whether min_tokens still bans the stop set, so the row is packed here, once.
        var p = sampler.Params;
        var early = RowSamplingParams.From(p, sampler.Seed, sampler.Choice, 0, sampler.MirostatMu, topLogprobs, sampler.IsGuided);
        var late = RowSamplingParams.From(p, sampler.Seed, sampler.Choice, p.MinTokens, sampler.MirostatMu, topLogprobs, sampler.IsGuided);
        _penalties.BeginRequest(_stream, slot, prompt, PenaltyRequest.From(sampler.Chain));
        (_early[slot], _late[slot], _minTokens[slot]) = (early, late, p.MinTokens);
    }

    public void BeginStep(ReadOnlySpan<int> slotOfRow)
    {
        _penalties.BeginStep(_stream, slotOfRow);
        slotOfRow.CopyTo(_slotOfRow);
        _rows = slotOfRow.Length;
    }

    public Span<uint> GuidedMask(int row) => _penalties.GuidedMask(row);

    public void Sample(IDeviceBuffer logits, ReadOnlySpan<DeviceSampleRow> rows, Span<DeviceSample> results)
    {
        var buffer = (CudaBuffer)logits;
        if (rows.Length != _rows || results.Length < _rows || buffer.Cols != _chain.VocabSize || buffer.MaxRows < _rows)
        {
            throw new ArgumentException($"Sample: {rows.Length} rows and room for {results.Length} results for a step of {_rows}, logits ({buffer.MaxRows}, {buffer.Cols}) for vocabulary {_chain.VocabSize}.");
        }
        for (var r = 0; r < _rows; r++)
        {
            var row = rows[r];
            var slot = _slotOfRow[r];
            _packed[r] = (row.Step < _minTokens[slot] ? _early[slot] : _late[slot]) with { Step = row.Step, MirostatMu = row.MirostatMu };
        }
        _chain.Run(_stream, buffer.Rows(_rows), _packed.AsSpan(0, _rows));
        _chain.DownloadTokens(_stream, _tokens);
        var anyTop = false;
        for (var r = 0; r < _rows; r++)
        {
            _topCount[r] = Math.Min(_packed[r].TopLogprobs, _chain.VocabSize);
            anyTop |= _topCount[r] > 0;
        }
        if (anyTop)
        {
            // one copy for the step's rows, not a copy and a wait per row
            _chain.DownloadAllTopLogprobs(_stream, _topIds, _topLogprobs);
        }
        _synchronized();
        for (var r = 0; r < _rows; r++)
        {
            var t = _tokens[r];
            results[r] = new DeviceSample(t.Token, t.Logprob, t.MirostatMu);
            _ids[r] = t.Token;
        }
        _penalties.Append(_stream, _ids.AsSpan(0, _rows));
    }

    public int TopLogprobs(int row, Span<TokenLogprob> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)_rows, nameof(row));
        var count = Math.Min(_topCount[row], destination.Length);
        var first = row * TopLogprobsKernel.MaxTop;
        for (var j = 0; j < count; j++)
        {
            destination[j] = new TokenLogprob(_topIds[first + j], _topLogprobs[first + j]);
        }
        return count;
    }

    public void AppendHostTokens(ReadOnlySpan<int> slots, ReadOnlySpan<int> tokens)
    {
        _penalties.BeginStep(_stream, slots);
        _penalties.Append(_stream, tokens);
        _rows = 0; // no sampled rows until the next Sample: TopLogprobs refuses
    }

    public void Dispose()
    {
        _stream.Synchronize();
        _chain.Dispose();
        _stages.Dispose();
        _penalties.Dispose();
    }
}
