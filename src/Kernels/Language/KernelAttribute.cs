namespace Kernels.Language;

/// <summary>
/// Marks a static method as a GPU kernel entry point. The compiler reads its IL, so the body must use only
/// what <see cref="KernelCompiler"/> supports: scalars, views, small structs of scalars, static calls,
/// intrinsics from this namespace and a few <see cref="Math"/>/<see cref="MathF"/> members.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class KernelAttribute : Attribute;
