using Kernels.IR;

namespace Kernels.Passes;

/// <summary>One transformation of a function; returns true when it changed something.</summary>
public interface IPass
{
    string Name { get; }

    bool Run(Function function);
}
