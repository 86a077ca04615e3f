using Kernels.IR;

namespace Kernels.Passes;

/// <summary>
/// The optimisation pipeline, in order. Inlining is not listed: it happens in the frontend while the IL is
/// read (see Frontend/KernelTranslation), because a struct method's <c>this</c> is a translator slot, not an
/// IR value. The verifier runs after every pass in checked builds of the compiler (always, for now: kernels are small).
/// </summary>
public static class Pipeline
{
    public static IReadOnlyList<IPass> Passes { get; } =
    [
        new ConstantFolding(),
        new CfgSimplification(),
        new LoopUnrolling(),
        new DeadCodeElimination(),
    ];

    /// <summary>
    /// Verifies the IR after every pass, naming the pass that broke it. On in Debug builds of the compiler
    /// (the tests); Release builds verify once before and once after the pipeline.
    /// </summary>
    public static bool VerifyEachPass { get; set; } =
#if DEBUG
        true;
#else
        false;
#endif

    /// <summary>Runs the passes to a fixed point (at most 64 rounds: each unrolls at most one loop).</summary>
    public static void Run(Function function)
    {
        Verifier.Verify(function);
        for (var round = 0; round < 64; round++)
        {
            var changed = false;
            foreach (var pass in Passes)
            {
                changed |= pass.Run(function);
                if (VerifyEachPass)
                {
                    Verifier.Verify(function, pass.Name);
                }
            }
            if (!changed)
            {
                break;
            }
        }
        Verifier.Verify(function, "the pipeline");
        function.Renumber();
    }
}
