namespace Engine.ChatTemplates.Runtime;

/// <summary>A value a template can call: macros, globals, bound str/dict/list methods, <c>loop.cycle</c>.</summary>
internal interface ICallable
{
    object? Call(Interpreter interpreter, CallArgs args);
}
