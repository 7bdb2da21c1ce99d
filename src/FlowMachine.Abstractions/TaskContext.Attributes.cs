namespace FlowMachine;

// Attributes: small name/value pairs a task sets on its flow, stored when the step commits and searchable.
public sealed partial class TaskContext
{
    /// <summary>The longest attribute name (characters).</summary>
    public const int MaxAttributeNameLength = 64;

    /// <summary>The longest attribute value (characters).</summary>
    public const int MaxAttributeValueLength = 256;

    /// <summary>How many attributes one step may set.</summary>
    public const int MaxAttributesPerStep = 32;

    private static readonly Dictionary<string, string> NoAttributes = new(StringComparer.Ordinal);
    private Dictionary<string, string>? attributes;

    /// <summary>The attributes this step set so far (<see cref="SetAttribute"/>), by name.</summary>
    public IReadOnlyDictionary<string, string> Attributes
    {
        get => attributes ?? NoAttributes;
    }

    /// <summary>
    /// Sets an attribute of the flow, such as <c>SetAttribute("customer", "42")</c>: stored with the step's
    /// outcome when the step commits (an attribute the flow has already is replaced), shown in the flow
    /// document and searchable (<c>flows list --attr customer=42</c>). A step that fails still stores the
    /// attributes it set.
    /// </summary>
    /// <param name="name">1 to <see cref="MaxAttributeNameLength"/> letters, digits, <c>_</c>, <c>-</c> or <c>.</c>.</param>
    /// <param name="value">At most <see cref="MaxAttributeValueLength"/> characters.</param>
    /// <remarks>Not thread-safe: call it from the task's own flow of control.</remarks>
    /// <exception cref="ArgumentException">The name or value breaks a limit, or the step set too many attributes.</exception>
    public void SetAttribute(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (AttributeNameError(name) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }

        if (value.Length > MaxAttributeValueLength)
        {
            throw new ArgumentException($"the value of attribute '{name}' is {value.Length} characters long, more than the limit of {MaxAttributeValueLength}", nameof(value));
        }

        attributes ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (!attributes.ContainsKey(name) && attributes.Count >= MaxAttributesPerStep)
        {
            throw new ArgumentException($"a step sets at most {MaxAttributesPerStep} attributes; '{name}' would be one more", nameof(name));
        }

        attributes[name] = value;
    }

    /// <summary>Why <paramref name="name"/> is not a valid attribute name, or null when it is.</summary>
    public static string? AttributeNameError(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxAttributeNameLength)
        {
            return $"an attribute name is 1 to {MaxAttributeNameLength} characters long, not {name.Length}";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return $"attribute name '{name}' may hold only letters, digits, '_', '-' and '.'";
            }
        }

        return null;
    }
}
