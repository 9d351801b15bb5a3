/**
 * The catalogue conformance suite (`@pos/integrations-core/testing`) for every connector that
 * offers a catalogue, each against its provider's simulation: the example connector's
 * (test/fixtures/example-catalogue.ts) first.
 */
import { describeCatalogueConformance } from '@pos/integrations-core/testing';
import { useProviderMock } from '@pos/test-support';
import { examplePosWithCatalogue } from '../../../test/fixtures/example-catalogue.js';
import { testServerHost } from './conformance-host.js';
import { examplePosCatalogueSimulator } from './conformance-simulators.js';

const mock = useProviderMock();
const retry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1_000 };
const host = testServerHost();

describeCatalogueConformance(examplePosWithCatalogue({ retry }), examplePosCatalogueSimulator(mock), host);
