"""Words too common to search by, per language, written without accents (search text is folded first).

PostgreSQL drops its own stop words too; removing these before either database sees the text makes
SQLite and PostgreSQL index, and therefore find, the same words.
"""

from __future__ import annotations

ENGLISH = frozenset(
    """
    about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves
    """.split()
)

FRENCH = frozenset(
    """
    ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront
    aux avaient avais avait avec avez aviez avions avons ayant ayez ayons ce ceci cela celle celles celui
    ces cet cette ceux comme dans de des du elle elles en es est et etaient etais etait etant etes etiez
    etions eu eue eues eumes eurent eus eusse eussent eusses eussiez eussions eut eutes eux fumes furent
    fus fusse fussent fusses fussiez fussions fut futes il ils je la le les leur leurs lui ma mais me meme
    mes moi mon ne nos notre nous on ont ou par pas pour qu que quel quelle quelles quels qui sa sans se
    sera serai seraient serais serait seras serez seriez serions serons seront ses si son sont soyez
    soyons suis sur ta te tes toi ton tu un une vos votre vous
    """.split()
)

BY_LANGUAGE = {"en": ENGLISH, "fr": FRENCH}
