using Kernels.IR;

namespace Kernels.Cpu;

/// <summary>
/// Runs one thread block. Each thread runs alone until it reaches a barrier, a warp collective (shfl, vote,
/// mma, ldmatrix) or its end; a warp's collective executes once every non-exited lane of the warp waits at
/// that same instruction (the .sync semantics with a full mask), and the barrier releases once every
/// non-exited thread of the block waits at one. Lanes waiting at different collectives, or a warp split
/// between a collective and a barrier, is a divergence error, as it is undefined on the device.
/// </summary>
internal sealed class BlockExecutor
{
    private readonly CpuProgram _program;
    private readonly LaunchContext _launch;
    private readonly ThreadState[] _threads;
    private readonly ThreadInterpreter _interpreter;

    public BlockExecutor(CpuProgram program, LaunchContext launch, (int X, int Y, int Z) blockIdx)
    {
        _program = program;
        _launch = launch;
        var shared = new byte[program.StaticSharedBytes + launch.DynamicSharedBytes];
        _interpreter = new ThreadInterpreter(program, launch, blockIdx, shared);
        var block = launch.Block;
        _threads = new ThreadState[block.Volume];
        for (var i = 0; i < _threads.Length; i++)
        {
            var tid = (i % block.X, i / block.X % block.Y, i / (block.X * block.Y));
            var registers = (ulong[])program.Template.Clone();
            foreach (var parameter in program.Function.Parameters)
            {
                registers[parameter.Id] = Semantics.Canonical(parameter.Type, launch.Parameters[parameter.Index]);
            }
            _threads[i] = new ThreadState(registers, i, tid) { Block = program.Function.Entry };
        }
    }

    public void Run()
    {
        var warps = (_threads.Length + 31) / 32;
        while (true)
        {
            var progress = false;
            for (var w = 0; w < warps; w++)
            {
                progress |= RunWarp(w);
            }
            if (_threads.All(t => t.Status == ThreadStatus.Exited))
            {
                return;
            }
            if (_threads.All(t => t.Status is ThreadStatus.Exited or ThreadStatus.AtBarrier))
            {
                foreach (var thread in _threads.Where(t => t.Status == ThreadStatus.AtBarrier))
                {
                    thread.Status = ThreadStatus.Running;
                    thread.Index++;
                }
                continue;
            }
            if (!progress)
            {
                throw new KernelExecutionException($"Kernel {_launch.Kernel}: threads of a block wait at different barriers or warp collectives "
                    + "(a collective inside divergent control flow, or a barrier not reached by every thread).");
            }
        }
    }

    /// <summary>Runs each lane to its next wait point, then executes the warp's collective if all lanes agree.</summary>
    private bool RunWarp(int warp)
    {
        var progress = false;
        var lanes = _threads.AsSpan(warp * 32, Math.Min(32, _threads.Length - (warp * 32)));
        while (true)
        {
            foreach (var thread in lanes)
            {
                if (thread.Status == ThreadStatus.Running)
                {
                    _interpreter.RunUntilWait(thread);
                    progress = true;
                }
            }
            Instruction? collective = null;
            var ready = true;
            foreach (var thread in lanes)
            {
                if (thread.Status == ThreadStatus.Exited)
                {
                    continue;
                }
                if (thread.Status != ThreadStatus.AtCollective || (collective is not null && thread.WaitingAt != collective))
                {
                    ready = false;
                    break;
                }
                collective = thread.WaitingAt;
            }
            if (!ready || collective is null)
            {
                return progress;
            }
            WarpCollectives.Execute(collective, lanes, _interpreter, _launch.Kernel);
            foreach (var thread in lanes)
            {
                if (thread.Status == ThreadStatus.AtCollective)
                {
                    thread.Status = ThreadStatus.Running;
                    thread.Index++;
                }
            }
            progress = true;
        }
    }
}
