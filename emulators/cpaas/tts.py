"""What the text-to-speech parameters may be, and how long an announcement takes to speak.

The document's TTS parameters are Amazon Polly's (voice ids Joanna, Raveena, Matthew; SSML
prosody volume, rate and pitch; engine standard or neural). Its allowed-value lists carry
extraction spaces ('x- soft', 'x- loud', ...); the values here are the SSML ones they stand for
(x-soft). Voices and language codes are Polly's (docs/FIDELITY.md).
"""

from __future__ import annotations

VOLUMES = ("silent", "x-soft", "soft", "medium", "loud", "x-loud")
RATES = ("x-slow", "slow", "medium", "fast", "x-fast")
PITCHES = ("x-low", "low", "medium", "high", "x-high")
ENGINES = ("standard", "neural")

VOICES = (
    "Aditi", "Adriano", "Amy", "Andres", "Aria", "Arlet", "Arthur", "Astrid", "Ayanda", "Bianca",
    "Brian", "Burcu", "Camila", "Carla", "Carmen", "Celine", "Chantal", "Conchita", "Cristiano",
    "Daniel", "Danielle", "Dora", "Elin", "Emma", "Enrique", "Ewa", "Filiz", "Gabrielle", "Geraint",
    "Giorgio", "Gregory", "Gwyneth", "Hala", "Hannah", "Hans", "Hiujin", "Ida", "Ines", "Isabelle",
    "Ivy", "Jacek", "Jan", "Joanna", "Joey", "Justin", "Kajal", "Karl", "Kazuha", "Kendra", "Kevin",
    "Kimberly", "Laura", "Lea", "Liam", "Lisa", "Liv", "Lotte", "Lucia", "Lupe", "Mads", "Maja",
    "Marlene", "Mathieu", "Matthew", "Maxim", "Mia", "Miguel", "Mizuki", "Naja", "Niamh", "Nicole",
    "Ola", "Olivia", "Pedro", "Penelope", "Raveena", "Remi", "Ricardo", "Ruben", "Russell", "Ruth",
    "Salli", "Seoyeon", "Sergio", "Sofie", "Stephen", "Suvi", "Takumi", "Tatyana", "Thiago",
    "Tomoko", "Vicki", "Vitoria", "Zayd", "Zeina", "Zhiyu",
)
"""Amazon Polly voice ids (standard and neural)."""

LANGUAGES = (
    "arb", "ar-AE", "ca-ES", "cmn-CN", "cy-GB", "da-DK", "de-AT", "de-CH", "de-DE", "en-AU", "en-GB",
    "en-GB-WLS", "en-IE", "en-IN", "en-NZ", "en-SG", "en-US", "en-ZA", "es-ES", "es-MX", "es-US",
    "fi-FI", "fr-BE", "fr-CA", "fr-FR", "hi-IN", "is-IS", "it-IT", "ja-JP", "ko-KR", "nb-NO", "nl-BE",
    "nl-NL", "pl-PL", "pt-BR", "pt-PT", "ro-RO", "ru-RU", "sv-SE", "tr-TR", "yue-CN",
)
"""Amazon Polly language codes."""

WORDS_PER_MINUTE = {"x-slow": 90.0, "slow": 120.0, "medium": 150.0, "fast": 180.0, "x-fast": 220.0}
"""How fast each SSML rate speaks (a speaking voice at ``medium`` says about 150 words a minute)."""
PAUSE = 1.0
"""Seconds of silence after each repetition of an announcement."""
