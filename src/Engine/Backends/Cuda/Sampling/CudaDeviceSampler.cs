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
    private readonly bool[] _guided;
    private readonly int[] _slotOfRow;
    private readonly RowSamplingParams[] _packed;
    private readonly SampledToken[] _tokens;
    private readonly int[] _ids;
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
        _guided = new bool[slots];
        _slotOfRow = new int[slots];
        _packed = new RowSamplingParams[slots];
        _tokens = new SampledToken[slots];
        _ids = new int[slots];
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
        // Throws NotSupportedException for an order the device cannot hold (more than MaxStages active stages).
        _ = RowSamplingParams.From(sampler.Params, sampler.Seed, sampler.Choice, 0, sampler.MirostatMu, topLogprobs, sampler.IsGuided);
        _penalties.BeginRequest(_stream, slot, prompt, PenaltyRequest.From(sampler.Chain));
        _guided[slot] = sampler.IsGuided;
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
            _packed[r] = RowSamplingParams.From(row.Params, row.Seed, row.Choice, row.Step, row.MirostatMu, row.TopLogprobs, _guided[_slotOfRow[r]]);
        }
        _chain.Run(_stream, buffer.Rows(_rows), _packed.AsSpan(0, _rows));
        _chain.DownloadTokens(_stream, _tokens);
        _synchronized();
        for (var r = 0; r < _rows; r++)
        {
            var t = _tokens[r];
            results[r] = new DeviceSample(t.Token, t.Logprob, t.MirostatMu);
            _ids[r] = t.Token;
        }
        _penalties.Append(_stream, _ids.AsSpan(0, _rows));
    }

    public int TopLogprobs(int row, Span<TokenLogprob> destination) => _chain.DownloadTopLogprobs(_stream, row, destination);

    public void AppendHostTokens(ReadOnlySpan<int> slots, ReadOnlySpan<int> tokens)
    {
        _penalties.BeginStep(_stream, slots);
        _penalties.Append(_stream, tokens);
        _rows = 0;
    }

    public void Dispose()
    {
        _stream.Synchronize();
        _chain.Dispose();
        _stages.Dispose();
        _penalties.Dispose();
    }
}
