using Engine.Sampling;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// The sampler chain on the device for a batch of logits rows, stage for stage the CPU <see cref="SamplerChain"/>:
/// S0–S3 through the <see cref="LogitStages"/> hook, S4 in each row's own <c>sampler_priority</c> (rows are grouped
/// by their order of active stages, and each group runs its stages as one launch per stage, one group of 256 threads
/// per row), Mirostat's truncation, S5's softmax, and the selection (greedy, or the seeded draw), with the chosen
/// token's logprob and the top-n logprobs gathered on the device. Only <see cref="SampledToken"/>s and the asked
/// logprobs need to come back; the final distribution stays in <see cref="Probabilities"/>.
/// Buffers are allocated once for <c>maxRows</c>; a step allocates nothing on the device.
/// </summary>
public sealed class DeviceSamplerChain : IDisposable
{
    /// <summary>Threads per group: one per histogram bin of <see cref="RowSelect"/>.</summary>
    public const int GroupSize = RowSelect.Bins;

    private readonly KernelContext _context;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _probs;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _scratch;
    private readonly int _keyStride;
    private MemoryBuffer1D<ulong, Stride1D.Dense>? _keys;
    private readonly MemoryBuffer1D<RowSamplingParams, Stride1D.Dense> _params;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _rows;
    private readonly MemoryBuffer1D<SampledToken, Stride1D.Dense> _tokens;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _topIds;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _topLogprobs;
    private readonly RowSamplingParams[] _hostParams;
    private readonly int[] _hostRows;
    private readonly ulong[] _hostCodes;
    private readonly SamplerId[] _stages = new SamplerId[RowSamplingParams.MaxStages];
    private int _rowCount;

    public DeviceSamplerChain(KernelContext context, int maxRows, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        if ((long)maxRows * vocabSize > int.MaxValue)
        {
            throw new ArgumentException($"{maxRows} rows of {vocabSize} logits exceed the kernels' 32-bit row offsets.", nameof(maxRows));
        }
        _context = context;
        MaxRows = maxRows;
        VocabSize = vocabSize;
        var accelerator = context.Accelerator;
        _probs = accelerator.Allocate1D<float>((long)maxRows * vocabSize);
        _scratch = accelerator.Allocate1D<float>((long)maxRows * vocabSize);
        _keyStride = RowSort.KeyStride(vocabSize);
        if ((long)maxRows * _keyStride > int.MaxValue)
        {
            throw new ArgumentException($"{maxRows} rows of {_keyStride} sort keys exceed the kernels' 32-bit row offsets.", nameof(maxRows));
        }
        _params = accelerator.Allocate1D<RowSamplingParams>(maxRows);
        _rows = accelerator.Allocate1D<int>(maxRows);
        _tokens = accelerator.Allocate1D<SampledToken>(maxRows);
        _topIds = accelerator.Allocate1D<int>((long)maxRows * TopLogprobsKernel.MaxTop);
        _topLogprobs = accelerator.Allocate1D<float>((long)maxRows * TopLogprobsKernel.MaxTop);
        _hostParams = new RowSamplingParams[maxRows];
        _hostRows = new int[maxRows];
        _hostCodes = new ulong[maxRows];
    }

    public int MaxRows { get; }

    public int VocabSize { get; }

    /// <summary>HOOK: the penalty half's S0–S3 and DRY/PENALTIES/NO_REPEAT_NGRAM stages (wired by the backend); null: none.</summary>
    public IDeviceLogitStages? LogitStages { get; set; }

    /// <summary>(rows, vocab) the final distribution of the last step (S5, or Mirostat's q).</summary>
    public ArrayView<float> Probabilities => _probs.View;

    /// <summary>
    /// Runs the chain on the first <c>rows.Length</c> rows of <paramref name="logits"/> (rows, vocab), rewritten in
    /// place as the CPU chain rewrites its row, and selects one token per row. Results stay on the device until
    /// <see cref="DownloadTokens"/> / <see cref="DownloadTopLogprobs"/>; launches are queued on <paramref name="stream"/>.
    /// </summary>
    public void Run(AcceleratorStream stream, ArrayView<float> logits, ReadOnlySpan<RowSamplingParams> rows)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Check(logits, rows);
        var n = rows.Length;
        _rowCount = n;
        if (n == 0)
        {
            return;
        }
        rows.CopyTo(_hostParams);
        for (var r = 0; r < n; r++)
        {
            _hostRows[r] = r;
            _hostCodes[r] = rows[r].OrderCode;
        }
        // Group rows by order (Array.Sort is not stable: a group's rows come in any order, which no kernel minds).
        Array.Sort(_hostCodes, _hostRows, 0, n);
        _params.View.SubView(0, n).CopyFromCPU(stream, _hostParams.AsSpan(0, n));
        _rows.View.SubView(0, n).CopyFromCPU(stream, _hostRows.AsSpan(0, n));

        var step = new DeviceSamplingStep(logits, _params.View, _rows.View.SubView(0, n), VocabSize);
        LogitStages?.RunPreStages(stream, step);
        for (var first = 0; first < n;)
        {
            var code = _hostCodes[first];
            var last = first + 1;
            while (last < n && _hostCodes[last] == code)
            {
                last++;
            }
            var group = _rows.View.SubView(first, last - first);
            var stages = RowSamplingParams.Stages(code, _stages);
            for (var s = 0; s < stages; s++)
            {
                RunStage(stream, _stages[s], step, group, _hostRows.AsSpan(first, last - first));
            }
            if ((code & RowSamplingParams.MirostatBit) != 0)
            {
                Launch(stream, MirostatKernel.Entry, logits, group);
            }
            if ((code & RowSamplingParams.SkewBit) != 0)
            {
                LaunchSorting(stream, SkewKernel.Entry, logits, group);
            }
            first = last;
        }
        var all = step.Rows;
        _context.Load(DrawKernel.Entry)(stream, new KernelConfig(n, GroupSize), logits, _probs.View, _params.View, all, _tokens.View, VocabSize);
        var anyTop = false;
        foreach (var row in rows)
        {
            anyTop |= row.TopLogprobs > 0;
        }
        if (anyTop)
        {
            _context.Load(TopLogprobsKernel.Entry)(stream, new KernelConfig(n, GroupSize), _probs.View, _params.View, all, _topIds.View, _topLogprobs.View, VocabSize);
        }
    }

    /// <summary>Copies the last step's tokens to <paramref name="destination"/> (waits for the stream).</summary>
    public void DownloadTokens(AcceleratorStream stream, Span<SampledToken> destination)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (destination.Length < _rowCount)
        {
            throw new ArgumentException($"Need room for {_rowCount} tokens, got {destination.Length}.", nameof(destination));
        }
        _tokens.View.SubView(0, _rowCount).CopyToCPU(stream, destination[.._rowCount]);
        stream.Synchronize();
    }

    /// <summary>
    /// Every row's top-logprob slots of the last step in one copy (waits for the stream): row r's best first at
    /// [r · <see cref="TopLogprobsKernel.MaxTop"/>, …), as many as it asked for valid. Nothing when no row asked.
    /// </summary>
    public void DownloadAllTopLogprobs(AcceleratorStream stream, Span<int> ids, Span<float> logprobs)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var length = _rowCount * TopLogprobsKernel.MaxTop;
        if (ids.Length < length || logprobs.Length < length)
        {
            throw new ArgumentException($"Need room for {length} top logprobs, got {ids.Length} ids and {logprobs.Length} values.", nameof(ids));
        }
        if (length > 0)
        {
            _topIds.View.SubView(0, length).CopyToCPU(stream, ids[..length]);
            _topLogprobs.View.SubView(0, length).CopyToCPU(stream, logprobs[..length]);
            stream.Synchronize();
        }
    }

    /// <summary>Row <paramref name="row"/>'s top logprobs of the last step, as many as it asked for, best first.</summary>
    public int DownloadTopLogprobs(AcceleratorStream stream, int row, Span<TokenLogprob> destination)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)_rowCount, nameof(row));
        var count = Math.Min(Math.Min(_hostParams[row].TopLogprobs, destination.Length), Math.Min(VocabSize, TopLogprobsKernel.MaxTop));
        if (count <= 0)
        {
            return 0;
        }
        Span<int> ids = stackalloc int[TopLogprobsKernel.MaxTop];
        Span<float> values = stackalloc float[TopLogprobsKernel.MaxTop];
        _topIds.View.SubView((long)row * TopLogprobsKernel.MaxTop, count).CopyToCPU(stream, ids[..count]);
        _topLogprobs.View.SubView((long)row * TopLogprobsKernel.MaxTop, count).CopyToCPU(stream, values[..count]);
        stream.Synchronize();
        for (var j = 0; j < count; j++)
        {
            destination[j] = new TokenLogprob(ids[j], values[j]);
        }
        return count;
    }

    private void RunStage(AcceleratorStream stream, SamplerId stage, DeviceSamplingStep step, ArrayView<int> group, ReadOnlySpan<int> hostGroup)
    {
        var logits = step.Logits;
        switch (stage)
        {
            case SamplerId.Dry or SamplerId.Penalties or SamplerId.NoRepeatNgram:
                // HOOK: the penalty half's kernels (checked present in Check).
                LogitStages!.RunStage(stream, stage, step, group, hostGroup);
                break;
            case SamplerId.Temperature:
                Launch(stream, TemperatureKernel.Entry, logits, group);
                break;
            case SamplerId.TopNSigma:
                Launch(stream, TopNSigmaKernel.Entry, logits, group);
                break;
            case SamplerId.TopPTopK:
                Launch(stream, TopKTopPKernel.Entry, logits, group);
                break;
            case SamplerId.TopA:
                Launch(stream, ProbabilityFloorKernel.TopAEntry, logits, group);
                break;
            case SamplerId.MinP:
                Launch(stream, ProbabilityFloorKernel.MinPEntry, logits, group);
                break;
            case SamplerId.EtaCutoff:
                Launch(stream, ProbabilityFloorKernel.EtaEntry, logits, group);
                break;
            case SamplerId.EpsilonCutoff:
                Launch(stream, ProbabilityFloorKernel.EpsilonEntry, logits, group);
                break;
            case SamplerId.Tfs:
                LaunchSorting(stream, TailFreeKernel.Entry, logits, group);
                break;
            case SamplerId.TypicalP:
                _context.Load(TypicalPKernel.Entry)(stream, new KernelConfig(group.IntLength, GroupSize), logits, _probs.View, _scratch.View, _params.View, group, VocabSize);
                break;
            case SamplerId.Quadratic:
                Launch(stream, QuadraticKernel.Entry, logits, group);
                break;
            case SamplerId.Xtc:
                Launch(stream, XtcKernel.Entry, logits, group);
                break;
            default:
                throw new NotSupportedException($"{SamplerOrder.NameOf(stage)}: not on the device yet; sample this request on the CPU.");
        }
    }

    private void Launch(AcceleratorStream stream, Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> kernel,
        ArrayView<float> logits, ArrayView<int> group) =>
        _context.Load(kernel)(stream, new KernelConfig(group.IntLength, GroupSize), logits, _probs.View, _params.View, group, VocabSize);

    // The sort keys (rows × the vocabulary's power of two, 8 bytes each) are allocated on the first step that needs
    // them: most deployments never run TFS or skew, and at 128 rows × 152k that buffer is 268 MB.
    private void LaunchSorting(AcceleratorStream stream, Action<ArrayView<float>, ArrayView<float>, ArrayView<ulong>, ArrayView<RowSamplingParams>, ArrayView<int>, SortShape> kernel,
        ArrayView<float> logits, ArrayView<int> group)
    {
        _keys ??= _context.Accelerator.Allocate1D<ulong>((long)MaxRows * _keyStride);
        _context.Load(kernel)(stream, new KernelConfig(group.IntLength, GroupSize), logits, _probs.View, _keys.View, _params.View, group, new SortShape(VocabSize, _keyStride));
    }

    // Everything a kernel cannot report is checked here, before any launch.
    private void Check(ArrayView<float> logits, ReadOnlySpan<RowSamplingParams> rows)
    {
        if (rows.Length > MaxRows)
        {
            throw new ArgumentException($"{rows.Length} rows exceed this chain's {MaxRows}.", nameof(rows));
        }
        if (logits.Length < (long)rows.Length * VocabSize)
        {
            throw new ArgumentException($"{rows.Length} rows of {VocabSize} logits need {(long)rows.Length * VocabSize} elements, got {logits.Length}.", nameof(logits));
        }
        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            if (row.TopLogprobs > TopLogprobsKernel.MaxTop)
            {
                throw new ArgumentException($"row {r}: {row.TopLogprobs} top logprobs exceed the device's {TopLogprobsKernel.MaxTop}.", nameof(rows));
            }
            if (LogitStages is null && (row.NeedsPreStagesRun || row.IsActive(SamplerId.Dry) || row.IsActive(SamplerId.Penalties) || row.IsActive(SamplerId.NoRepeatNgram)))
            {
                throw new NotSupportedException($"row {r}: needs the device penalty stages (penalties, DRY, no_repeat_ngram or the S1–S3 constraints), and none are wired into this chain.");
            }
        }
    }

    public void Dispose()
    {
        _probs.Dispose();
        _scratch.Dispose();
        _keys?.Dispose();
        _params.Dispose();
        _rows.Dispose();
        _tokens.Dispose();
        _topIds.Dispose();
        _topLogprobs.Dispose();
    }
}
