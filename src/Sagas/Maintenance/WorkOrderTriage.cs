using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Maintenance;

/// <summary>
/// Decides a work order's priority from its alarm, its words and its category, in that order: a device that reports
/// water, smoke or gas is an emergency whatever the text says; words that describe danger or damage in progress make
/// any request an emergency; trades whose failure makes a unit hard to live in are urgent; the rest is routine.
/// </summary>
public static class WorkOrderTriage
{
    static readonly HashSet<string> EmergencyAlarms = new(StringComparer.OrdinalIgnoreCase)
    {
        "leak", "water", "flood", "smoke", "fire", "co", "carbon-monoxide", "gas",
    };

    static readonly string[] EmergencyWords =
    [
        "flood", "flooding", "burst", "gas smell", "smell of gas", "smells of gas", "gas leak", "sparks", "sparking",
        "smoke", "fire", "sewage", "carbon monoxide", "water pouring", "ceiling collapse", "no power",
    ];

    static readonly string[] UrgentWords =
    [
        "leak", "leaking", "no heat", "no heating", "no hot water", "no water", "not cooling", "broken lock",
        "won't lock", "cannot lock", "clogged toilet", "toilet overflow", "fridge not working",
    ];

    static readonly HashSet<string> UrgentCategories = new(StringComparer.OrdinalIgnoreCase)
    {
        "plumbing", "electrical", "hvac", "heating", "locksmith",
    };

    public static WorkOrderPriority Classify(string category, string description, string? alarm)
    {
        if (alarm is not null && EmergencyAlarms.Contains(alarm.Trim()))
            return WorkOrderPriority.Emergency;

        if (Mentions(description, EmergencyWords))
            return WorkOrderPriority.Emergency;

        // A device that only reports its own state (a low battery, a lost connection) never outranks routine work.
        if (alarm is not null)
            return WorkOrderPriority.Routine;

        if (UrgentCategories.Contains(category.Trim()) || Mentions(description, UrgentWords))
            return WorkOrderPriority.Urgent;

        return WorkOrderPriority.Routine;
    }

    // Whole words only: "fireplace" is not "fire", "smokey" is still "smoke"-free text, "leaky" is not "leak".
    static bool Mentions(string text, string[] phrases)
    {
        var words = " " + string.Join(' ', text.ToLowerInvariant()
            .Split((char[])[' ', '\t', '\r', '\n', ',', '.', ';', ':', '!', '?', '(', ')', '"', '/', '-'],
                StringSplitOptions.RemoveEmptyEntries)) + " ";
        return phrases.Any(phrase => words.Contains($" {phrase} ", StringComparison.Ordinal));
    }
}
