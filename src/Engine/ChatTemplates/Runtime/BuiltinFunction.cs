namespace Engine.ChatTemplates.Runtime;

/// <summary>A builtin function (a global such as <c>range</c> or a bound method) backed by a delegate.</summary>
internal sealed class BuiltinFunction(string name, Func<Interpreter, CallArgs, object?> body) : ICallable
{
    public string Name { get; } = name;

    public object? Call(Interpreter interpreter, CallArgs args) => body(interpreter, args);
}
