import type { DemoPeople } from './demo-people.js';

// Written by scripts/write-default-demo-people.ts from faker; test/unit/domain/demo-people.test.ts
// checks that faker still makes exactly these.

/** The seed the mock starts with unless told otherwise (options.ts's default). */
export const DEFAULT_DEMO_SEED = 1;

/** What faker makes for the default seed: the default start's people, without loading faker. */
export const DEFAULT_DEMO_PEOPLE: DemoPeople = {
  adminId: '6b042125-686a-43e0-8a68-23cf5bee102e',
  travelerId: '6f8b5ad0-cfb4-4c17-9e44-20a3470929b1',
  travellers: [
    { id: 'c62e5cbe-9c54-4e6f-9a91-f7963e90958e', loginId: 'ansel_larkin90@travelers.demo.example', firstName: 'Ansel', middleName: null, lastName: 'Larkin', loyaltyNumber: '9609691196', emails: ['ansel_larkin90@travelers.demo.example'], requestId: '1cceb100-03d8-48d1-849f-80c3c6db8201' },
    { id: '9d201799-5f96-48ba-a415-a3c14c3a8e41', loginId: 'maymie_bins20@travelers.demo.example', firstName: 'Maymie', middleName: null, lastName: 'Bins', loyaltyNumber: '7990269959', emails: ['maymie_bins20@travelers.demo.example', 'maymie.bins@example.com', 'maymie_bins23@example.com'], requestId: 'a6798ee6-f222-480f-9d02-52c5f9ede78c' },
    { id: 'f6f9d9a4-9cdc-4bd5-ba76-66596fa365ce', loginId: 'agnes_schoen57@travelers.demo.example', firstName: 'Agnes', middleName: null, lastName: 'Schoen', loyaltyNumber: '6228585757', emails: ['agnes_schoen57@travelers.demo.example', 'agnes_schoen5@example.com', 'agnes_schoen91@example.com'], requestId: '975161f2-cdb9-4275-8394-ee4137b33d69' },
    { id: 'dd8dfdd1-ab9c-40cb-a44a-5c7cf42e8faf', loginId: 'josefa.little75@travelers.demo.example', firstName: 'Josefa', middleName: null, lastName: 'Little', loyaltyNumber: '5130170386', emails: ['josefa.little75@travelers.demo.example', 'josefa_little2@example.com'], requestId: 'b379f334-c708-43c4-809d-6b88fc0b7f34' },
    { id: '1710c6b7-777c-46e0-bc29-080fece2239e', loginId: 'luz_runolfsson@travelers.demo.example', firstName: 'Luz', middleName: null, lastName: 'Runolfsson', loyaltyNumber: '7794211812', emails: ['luz_runolfsson@travelers.demo.example', 'luz.runolfsson7@example.com'], requestId: 'd4f485e5-68f0-4be0-985d-8b7a40948e63' },
    { id: '7829fd9f-e901-4176-8f2f-cdaa7057b772', loginId: 'river.bogisich81@travelers.demo.example', firstName: 'River', middleName: 'Karma', lastName: 'Bogisich', loyaltyNumber: '7392357413', emails: ['river.bogisich81@travelers.demo.example', 'river.bogisich57@example.com', 'river.bogisich@example.com'], requestId: '8ac208c0-aa7e-4a07-bdda-a948a5d3b4c6' },
    { id: '84d6eb72-f236-462b-83ac-39ba94bf6c0d', loginId: 'neva.rodriguez2@travelers.demo.example', firstName: 'Neva', middleName: 'Blanche', lastName: 'Rodriguez', loyaltyNumber: '3309354120', emails: ['neva.rodriguez2@travelers.demo.example', 'neva_rodriguez8@example.com', 'neva.rodriguez@example.com'], requestId: '8451c1f2-90c3-48b2-b83c-b2d0d86cbf40' },
    { id: '4e842495-77d6-45a3-b75a-e7c7a26e9c87', loginId: 'jefferey_hirthe61@travelers.demo.example', firstName: 'Jefferey', middleName: null, lastName: 'Hirthe', loyaltyNumber: '0595182759', emails: ['jefferey_hirthe61@travelers.demo.example', 'jefferey.hirthe@example.com', 'jefferey.hirthe12@example.com'], requestId: '9d0f15f0-dd74-4c72-aee7-d6a683f4120b' },
    { id: '5fa6d94c-655b-44c4-b87d-e29e7e49a306', loginId: 'raheem.jaskolski32@travelers.demo.example', firstName: 'Raheem', middleName: null, lastName: 'Jaskolski', loyaltyNumber: '3713176626', emails: ['raheem.jaskolski32@travelers.demo.example', 'raheem.jaskolski@example.com'], requestId: '36550ab9-a228-4e27-8672-54dc69284daa' },
    { id: '3619040b-a63b-45c7-b80a-53667f5c8e53', loginId: 'telly.nikolaus@travelers.demo.example', firstName: 'Telly', middleName: null, lastName: 'Nikolaus', loyaltyNumber: '0953905051', emails: ['telly.nikolaus@travelers.demo.example', 'telly_nikolaus@example.com', 'telly.nikolaus99@example.com'], requestId: 'afd7bc78-252b-477e-9864-16048f1a7c21' },
    { id: '01a658fd-be01-475e-978e-7e44583a21d3', loginId: 'oswaldo.armstrong65@travelers.demo.example', firstName: 'Oswaldo', middleName: null, lastName: 'Armstrong', loyaltyNumber: '5508982535', emails: ['oswaldo.armstrong65@travelers.demo.example'], requestId: 'f4a5c5ec-c730-450b-8a6c-8023509896d7' },
    { id: 'f5e63fa1-db9b-449d-a02d-9834d61e3de7', loginId: 'rigoberto.feil@travelers.demo.example', firstName: 'Rigoberto', middleName: 'Avery', lastName: 'Feil', loyaltyNumber: '5682851252', emails: ['rigoberto.feil@travelers.demo.example', 'rigoberto.feil48@example.com', 'rigoberto_feil@example.com'], requestId: '22d9f599-90cf-483c-805e-9d9de51b7290' },
  ],
};
