using Kernels.IR;

namespace Kernels.Cpu;

internal enum ThreadStatus
{
    Running, AtBarrier, AtCollective, Exited,
}

/// <summary>One device thread: its registers and where it stands.</summary>
internal sealed class ThreadState(ulong[] registers, int linearId, (int X, int Y, int Z) threadIdx)
{
    public ulong[] Registers { get; } = registers;

    public int LinearId { get; } = linearId;

    public int Lane => LinearId & 31;

    public (int X, int Y, int Z) ThreadIdx { get; } = threadIdx;

    public BasicBlock? Block { get; set; }

    public int Index { get; set; }

    public ThreadStatus Status { get; set; }

    /// <summary>The collective or barrier instruction the thread waits at.</summary>
    public Instruction? WaitingAt { get; set; }
}
