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
        new DeadCodeElimination(),
    ];

    /// <summary>Runs the passes to a fixed point (at most 16 rounds), verifying the IR after each.</summary>
    public static void Run(Function function)
    {
        Verifier.Verify(function);
        for (var round = 0; round < 16; round++)
        {
            var changed = false;
            foreach (var pass in Passes)
            {
                changed |= pass.Run(function);
                Verifier.Verify(function, pass.Name);
            }
            if (!changed)
            {
                break;
            }
        }
        function.Renumber();
    }
}
