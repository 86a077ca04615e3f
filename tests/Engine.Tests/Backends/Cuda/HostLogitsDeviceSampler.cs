using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Cuda;
using Engine.Backends.Cuda.Sampling;
using Engine.Sampling;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// The CUDA backend's device sampler on the check device, fed by the CPU backend's logits (uploaded per step), so an
/// engine test runs the device sampling path at the CPU forward's speed (a whole-model forward on the simulator is
/// minutes per test). Everything past the upload is the code a GPU runs.
/// </summary>
internal sealed class HostLogitsDeviceSampler : IDeviceSampler
{
    private readonly CpuBackend _cpu;
    private readonly KernelContext _context;
    private readonly AcceleratorStream _stream;
    private readonly CudaDeviceSampler _inner;
    private readonly CudaBuffer _logits;
    private readonly float[] _host;

    public HostLogitsDeviceSampler(IBackend cpu, int slots, int vocab, int historyCapacity)
    {
        _cpu = (CpuBackend)cpu;
        _context = KernelContext.CreateCpu();
        _stream = _context.CreateStream();
        _inner = new CudaDeviceSampler(_context, _stream, () => { }, slots, vocab, historyCapacity);
        _logits = new CudaBuffer(_context.Accelerator, slots, vocab);
        _host = new float[slots * vocab];
    }

    public int Slots => _inner.Slots;

    public int MaxTopLogprobs => _inner.MaxTopLogprobs;

    public void BeginSequence(int slot, ReadOnlySpan<int> prompt, SequenceSampler sampler, int topLogprobs) =>
        _inner.BeginSequence(slot, prompt, sampler, topLogprobs);

    public void BeginStep(ReadOnlySpan<int> slotOfRow) => _inner.BeginStep(slotOfRow);

    public Span<uint> GuidedMask(int row) => _inner.GuidedMask(row);

    public void Sample(IDeviceBuffer logits, ReadOnlySpan<DeviceSampleRow> rows, Span<DeviceSample> results)
    {
        var n = rows.Length * logits.Cols;
        _cpu.CopyToHost(logits, rows.Length, _host.AsSpan(0, n));
        _logits.View.SubView(0, n).CopyFromCPU(_stream, _host.AsSpan(0, n));
        _inner.Sample(_logits, rows, results);
    }

    public int TopLogprobs(int row, Span<TokenLogprob> destination) => _inner.TopLogprobs(row, destination);

    public void AppendHostTokens(ReadOnlySpan<int> slots, ReadOnlySpan<int> tokens) => _inner.AppendHostTokens(slots, tokens);

    public void Dispose()
    {
        _inner.Dispose();
        _logits.Dispose();
        _stream.Dispose();
        _context.Dispose();
    }
}
