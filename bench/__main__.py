"""`make bench`: every benchmark, each printing ratios against a baseline from the same run."""

from bench import allocation, evaluation, pages, people

print("== People and imports ==")
people.main()
print("\n== Placement allocation ==")
allocation.main()
print("\n== Evaluation pages ==")
evaluation.main()
print("\n== Every page of every persona, and a load run ==")
pages.main()
