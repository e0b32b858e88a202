"""The seed workshop's six thoughts: loaded into the database by a data migration (0002), and the
thinker's only thoughts before the workshop adds its datastore (STEP 1 to 3, as the seed's namedtuples)."""

SEED_THOUGHTS = [
    (
        "My religion consists of a humble admiration of the illimitable superior spirit who reveals "
        "himself in the slight details we are able to perceive with our frail and feeble mind.",
        "Albert Einstein",
        "religion",
    ),
    (
        "For a successful technology, reality must take precedence over public relations, for Nature cannot be fooled.",
        "Richard Feynman",
        "technology",
    ),
    (
        "One is left with the horrible feeling now that war settles nothing; "
        "that to win a war is as disastrous as to lose one.",
        "Agatha Christie",
        "war",
    ),
    ("Life grants nothing to us mortals without hard work.", "Horace", "work"),
    ("Ah, music. A magic beyond all we do here!", "J. K. Rowling", "music"),
    ("I think that God in creating Man somewhat overestimated his ability.", "Oscar Wilde", "mankind"),
]
