namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Jinja's plain <c>Undefined</c>: prints as "", is falsy, iterates as empty and has length 0; any other use
/// (attribute, item, call, arithmetic, ordering) raises with <see cref="Message"/>.
/// </summary>
internal sealed class Undefined(string message)
{
    public static readonly Undefined Plain = new("UndefinedError: value is undefined");

    public string Message { get; } = message;

    public static Undefined Named(string name) => new($"UndefinedError: '{name}' is undefined");

    public static Undefined Missing(object? owner, string attribute) =>
        new($"UndefinedError: '{PyRepr.TypeName(owner)} object' has no attribute '{attribute}'");

    /// <summary>What the sandbox returns for a mutating method such as <c>list.append</c>: calling it raises.</summary>
    public static Undefined Unsafe(object? owner, string attribute) =>
        new($"SecurityError: access to attribute '{attribute}' of '{PyRepr.TypeName(owner)}' object is unsafe.");

    public ChatTemplateException Fail() => new(Message);
}
